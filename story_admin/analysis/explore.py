"""Exhaustive exploration of a story's (scene, state) pairs from its start, through the real play rules.

A node is a scene and a player's state there; from a node the player may take each available choice
(`play.availability`), and the step (`play.take`: the choice's effects, then the scene's) may roll dice, so
each choice leads to one node per distinct outcome, with its exact probability. Visits are kept only for
the scenes a condition or effect reads (`visits("…")`, `visited("…")`): the others change nothing.
Bounded by a number of states and a time; the result says whether it saw everything.
"""

import time
from collections import deque
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from ..state.engine import PlayerState, StateSchema
from ..state.play import arrive, availability, take
from ..state.schema import schema_of
from ..story import Story
from ..wording import english, phrase
from .dice_paths import every_outcome

DEFAULT_MAX_STATES = 50_000
DEFAULT_MAX_SECONDS = 5.0


@dataclass
class Node:
    index: int
    scene: object
    state: PlayerState
    depth: int
    parent: int | None = None
    via: object = None  # the choice taken from the parent
    expanded: bool = False
    # (choice, [(probability, node index)]) for each available choice
    moves: list = field(default_factory=list)


@dataclass
class Exploration:
    story: Story
    schema: StateSchema
    nodes: list[Node]
    start: list[tuple[float, int]]  # the start scene's outcomes (its effects may roll)
    complete: bool
    stopped: dict | None  # a phrase (story_admin.wording): why the exploration stopped before the end
    seconds: float
    # choice id -> True once seen available, False once seen unavailable
    choice_seen: dict = field(default_factory=dict)

    @property
    def states_explored(self) -> int:
        return len(self.nodes)

    @property
    def stopped_reason(self) -> str:
        """Why it stopped, in English ("stopped after 20000 states (the cap is 20000)"); "" when complete."""
        return english(self.stopped) if self.stopped else ""

    def path_to(self, index: int) -> list[Node]:
        """The nodes from the start to `index` along the shortest path (fewest choices) the exploration found."""
        path = []
        while index is not None:
            node = self.nodes[index]
            path.append(node)
            index = node.parent
        return path[::-1]


def read_visits(story: Story) -> set[str]:
    """The scene ids whose visits some condition or effect reads."""
    found = set()

    def walk(document):
        if isinstance(document, list):
            for part in document:
                walk(part)
        elif isinstance(document, dict):
            reference = document.get("var")
            if isinstance(reference, list) and reference and isinstance(reference[0], str):
                reference = reference[0]
            if isinstance(reference, str) and reference.startswith("visits."):
                found.add(reference.removeprefix("visits."))
            for value in document.values():
                walk(value)

    for scene in story.scenes:
        walk(scene.effects)
    for choice in story.choices:
        walk(choice.condition)
        walk(choice.effects)
    return found


def _key(scene, state: PlayerState) -> tuple:
    return (
        scene.pk if scene is not None else None,
        tuple(sorted(state.variables.items(), key=lambda pair: pair[0])),
        tuple(state.items),
        tuple(sorted(state.visits.items())),
    )


def explore(
    story: Story,
    *,
    max_states: int = DEFAULT_MAX_STATES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    schema: StateSchema | None = None,
    progress=None,
) -> Exploration:
    """`progress(states explored)`, if given, is told every 1,000 states (the Endings page's job shows it)."""
    schema = schema if schema is not None else schema_of(story.scenario)
    started = time.perf_counter()
    kept = read_visits(story)
    nodes: list[Node] = []
    by_key: dict[tuple, int] = {}
    pending: deque[int] = deque()
    choice_seen: dict = {}
    stopped = None

    def trimmed(state: PlayerState) -> PlayerState:
        state.visits = {scene_id: count for scene_id, count in state.visits.items() if scene_id in kept}
        return state

    def node_for(scene, state: PlayerState, depth: int, parent, via) -> int | None:
        key = _key(scene, state)
        found = by_key.get(key)
        if found is not None:
            return found
        if len(nodes) >= max_states:
            return None
        node = Node(index=len(nodes), scene=scene, state=state, depth=depth, parent=parent, via=via)
        nodes.append(node)
        by_key[key] = node.index
        pending.append(node.index)
        return node.index

    start_scene = story.start_scene
    start = []
    if start_scene is not None:
        initial = schema.initial_state()
        for probability, state in _merged(
            every_outcome(lambda rng: trimmed(arrive(start_scene, schema, initial, rng)))
        ):
            start.append((probability, node_for(start_scene, state, 0, None, None)))
    while pending:
        if len(nodes) >= max_states and not stopped:
            stopped = _at_cap(len(nodes), max_states)
        if time.perf_counter() - started > max_seconds:
            stopped = phrase(
                gettext_noop("stopped after %(states)s states (%(seconds)s s)"),
                states=len(nodes),
                seconds=f"{max_seconds:g}",
            )
            break
        node = nodes[pending.popleft()]
        if progress is not None and node.index % 1000 == 0:
            progress(len(nodes))
        if node.scene.is_end_scene:
            node.expanded = True
            continue
        lost = False
        for choice in story.choices_from(node.scene):
            target = story.scenes_by_id.get(choice.to_scene_id)
            if target is None:
                continue
            if not availability(choice, schema, node.state).available:
                choice_seen.setdefault(choice.pk, False)
                continue
            choice_seen[choice.pk] = True
            outcomes = []
            for probability, state in _merged(
                every_outcome(
                    lambda rng, choice=choice, target=target: trimmed(take(choice, target, schema, node.state, rng))
                )
            ):
                index = node_for(target, state, node.depth + 1, node.index, choice)
                if index is None:
                    lost = True
                    continue
                outcomes.append((probability, index))
            node.moves.append((choice, outcomes))
        node.expanded = not lost
        if lost and not stopped:
            stopped = _at_cap(len(nodes), max_states)
    return Exploration(
        story=story,
        schema=schema,
        nodes=nodes,
        start=start,
        complete=stopped is None,
        stopped=stopped,
        seconds=time.perf_counter() - started,
        choice_seen=choice_seen,
    )


def _at_cap(states: int, cap: int) -> dict:
    return phrase(gettext_noop("stopped after %(states)s states (the cap is %(cap)s)"), states=states, cap=cap)


def _merged(outcomes) -> list[tuple[float, PlayerState]]:
    """Outcomes that give the same state, added together (2d6 gives 36 sequences but 11 totals)."""
    merged: dict[tuple, list] = {}
    for probability, state in outcomes:
        key = _key(None, state)
        if key in merged:
            merged[key][0] += probability
        else:
            merged[key] = [probability, state]
    return [(float(probability), state) for probability, state in merged.values()]
