"""Playing with state: which choices a player may take, and the state after a step.

Pure functions over a schema, a state and the scene or choice at hand; the progress service (API,
play-test, reader) and the proofing's playthroughs call them. Dice come from a generator seeded by
the progress's seed and the step, so replaying a request rolls the same numbers.
"""

import logging
import random
from dataclasses import dataclass

from ..exceptions import StoryRuleError
from .engine import PlayerState, StateSchema, apply_effects, check_condition, check_effects, holds

logger = logging.getLogger(__name__)

NOT_NOW = "That choice is not available now."


@dataclass(frozen=True)
class Availability:
    choice: object
    available: bool
    reason: str = ""

    @property
    def shown(self) -> bool:
        """A choice whose condition fails is shown (disabled, with its reason) only if the author gave a reason."""
        return self.available or bool(self.reason)


def state_of(document: dict | None, schema: StateSchema) -> PlayerState:
    """A stored state, with the declared initial value of any variable it does not hold yet
    (progress from before the variable was declared, or renamed)."""
    state = PlayerState.from_document(document)
    state.variables = {**schema.initial_state().variables, **state.variables}
    return state


def dice_for(seed: int, step: int) -> random.Random:
    return random.Random(f"{seed}:{step}")


def availability(choice, schema: StateSchema, state: PlayerState) -> Availability:
    """Whether `choice` may be taken in `state`, and the reason the author gives when it may not."""
    condition = choice.condition or {}
    if condition == {}:
        return Availability(choice, True)
    try:
        check_condition(condition, schema)
    except StoryRuleError as error:
        # Old data (conditions the old backend stored) or a stale one: never a crash; the proofing reports it.
        logger.info("Choice %s has a condition the engine cannot evaluate (%s): it stays available",
                    choice.pk, error.message)
        return Availability(choice, True)
    if holds(condition, state):
        return Availability(choice, True)
    return Availability(choice, False, (choice.locked_reason or "").strip())


def arrive(scene, schema: StateSchema, state: PlayerState, rng: random.Random) -> PlayerState:
    """The state once a player is in `scene`: one more visit, then the scene's effects."""
    return _applied(scene.effects, schema, state.visited(scene.pk), rng, where=f"scene {scene.pk}")


def take(choice, to_scene, schema: StateSchema, state: PlayerState, rng: random.Random) -> PlayerState:
    """The state after taking an available `choice` into `to_scene`."""
    state = _applied(choice.effects, schema, state, rng, where=f"choice {choice.pk}")
    return arrive(to_scene, schema, state, rng)


def _applied(effects, schema: StateSchema, state: PlayerState, rng: random.Random, *, where: str) -> PlayerState:
    if not effects:
        return state
    try:
        check_effects(effects, schema)
    except StoryRuleError as error:
        logger.warning("The effects of %s cannot be applied (%s): skipped", where, error.message)
        return state
    return apply_effects(effects, schema, state, rng)
