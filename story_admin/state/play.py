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
        logger.info(
            "Choice %s has a condition the engine cannot evaluate (%s): it stays available", choice.pk, error.message
        )
        return Availability(choice, True)
    if holds(condition, state):
        return Availability(choice, True)
    return Availability(choice, False, (choice.locked_reason or "").strip())


def arrive(
    scene, schema: StateSchema, state: PlayerState, rng: random.Random, *, fixed_roll: int | None = None
) -> PlayerState:
    """The state once a player is in `scene`: one more visit, then the scene's effects."""
    return _applied(
        scene.effects, schema, state.visited(scene.pk), rng, where=f"scene {scene.pk}", fixed_roll=fixed_roll
    )


def take(
    choice, to_scene, schema: StateSchema, state: PlayerState, rng: random.Random, *, fixed_roll: int | None = None
) -> PlayerState:
    """The state after taking an available `choice` into `to_scene` (a fixed roll goes to the first roll met)."""
    state = _applied(choice.effects, schema, state, rng, where=f"choice {choice.pk}", fixed_roll=fixed_roll)
    if _rolls(choice.effects):
        fixed_roll = None
    return arrive(to_scene, schema, state, rng, fixed_roll=fixed_roll)


def _rolls(effects) -> bool:
    return any(isinstance(effect, dict) and "roll" in effect for effect in effects or [])


def _applied(
    effects, schema: StateSchema, state: PlayerState, rng: random.Random, *, where: str, fixed_roll: int | None = None
) -> PlayerState:
    if not effects:
        return state
    try:
        check_effects(effects, schema)
    except StoryRuleError as error:
        logger.warning("The effects of %s cannot be applied (%s): skipped", where, error.message)
        return state
    return apply_effects(effects, schema, state, rng, fixed_roll=fixed_roll)


@dataclass
class Replay:
    """Where a play-test path leads: the scene, the state there, the choices taken; `broken` if it stopped early."""

    scene: object
    state: PlayerState
    taken: list
    broken: str = ""


def replay(
    story,
    schema: StateSchema,
    *,
    seed: int,
    choice_ids: list,
    overrides: dict | None = None,
    rolls: dict | None = None,
    start=None,
) -> Replay:
    """Play `choice_ids` from the start (or from `start`), as the progress service would, with the author's
    "what if" values (`overrides[step] = {name: value}`, applied after that step) and fixed rolls
    (`rolls[step] = total`)."""
    overrides, rolls = overrides or {}, rolls or {}
    scene = start or story.start_scene
    state = arrive(scene, schema, schema.initial_state(), dice_for(seed, 0), fixed_roll=rolls.get(0))
    state = _overridden(state, overrides.get(0), schema)
    taken = []
    for step, choice_id in enumerate(choice_ids, start=1):
        choice = story.choices_by_id.get(choice_id)
        if choice is None or choice.from_scene_id != scene.pk or choice.to_scene_id not in story.scenes_by_id:
            return Replay(scene, state, taken, broken="The story changed: this path stops here.")
        verdict = availability(choice, schema, state)
        if not verdict.available:
            return Replay(
                scene, state, taken, broken=f"“{choice.text}” is not available here now: {verdict.reason or NOT_NOW}"
            )
        scene = story.scenes_by_id[choice.to_scene_id]
        state = take(choice, scene, schema, state, dice_for(seed, step), fixed_roll=rolls.get(step))
        state = _overridden(state, overrides.get(step), schema)
        taken.append(choice)
    return Replay(scene, state, taken)


def _overridden(state: PlayerState, values: dict | None, schema: StateSchema) -> PlayerState:
    if not values:
        return state
    state = state.copy()
    for name, value in values.items():
        if name in schema.variables:
            state.variables[name] = schema.variables[name].clamped(value)
    return state
