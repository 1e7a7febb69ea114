"""The problems only state shows: scenes and endings no reachable state gets to, choices never open,
softlocks, loops a player cannot leave, conditions that never change anything, declarations never used.

A problem that says "never" is listed only when the exploration was complete; what it found (a softlock,
a loop) is true either way.
"""

from ..state.engine import holds
from ..state.expressions import ITEMS
from ..state.schema import SceneNames
from ..story import Story
from ..validation import StoryProblem, reachable_scene_ids
from .explore import Exploration

UNREACHABLE_WITH_STATE = "UNREACHABLE_WITH_STATE"
CHOICE_NEVER_AVAILABLE = "CHOICE_NEVER_AVAILABLE"
STUCK = "STUCK"
ENDING_UNREACHABLE = "ENDING_UNREACHABLE"
VARIABLE_NEVER_SET = "VARIABLE_NEVER_SET"
VARIABLE_NEVER_READ = "VARIABLE_NEVER_READ"
ITEM_NEVER_GAINED = "ITEM_NEVER_GAINED"
CONDITION_ALWAYS_TRUE = "CONDITION_ALWAYS_TRUE"
CONDITION_ALWAYS_FALSE = "CONDITION_ALWAYS_FALSE"
INESCAPABLE_LOOP = "INESCAPABLE_LOOP"

STATE_CODES = (
    UNREACHABLE_WITH_STATE,
    CHOICE_NEVER_AVAILABLE,
    STUCK,
    ENDING_UNREACHABLE,
    VARIABLE_NEVER_SET,
    VARIABLE_NEVER_READ,
    ITEM_NEVER_GAINED,
    CONDITION_ALWAYS_TRUE,
    CONDITION_ALWAYS_FALSE,
    INESCAPABLE_LOOP,
)


def state_problems(story: Story, exploration: Exploration) -> list[StoryProblem]:
    names = SceneNames(story)
    problems = [*_declaration_problems(story, exploration), *_stuck(story, exploration), *_loops(exploration)]
    if exploration.complete:
        problems.extend(_never(story, exploration, names))
    return problems


def path_text(exploration: Exploration, index: int) -> str:
    steps = [f"“{node.via.text}”" for node in exploration.path_to(index) if node.via is not None]
    return " → ".join(steps) if steps else "right at the start"


def _stuck(story: Story, exploration: Exploration):
    seen = set()
    for node in exploration.nodes:
        if node.scene.is_end_scene or not node.expanded or node.moves or node.scene.pk in seen:
            continue
        if not any(choice.to_scene_id in story.scenes_by_id for choice in story.choices_from(node.scene)):
            continue  # no choice at all: the graph check already calls it a dead end
        seen.add(node.scene.pk)
        yield StoryProblem(
            STUCK,
            f"A player can be stuck in “{node.scene.title}”: no choice is open there after "
            f"{path_text(exploration, node.index)} ({_state_text(node.state)}).",
            scene_id=node.scene.pk,
        )


def _loops(exploration: Exploration):
    """Closed groups of states (every way out leads back in) with no ending: a player in one never leaves."""
    nodes = exploration.nodes
    successors = {node.index: {target for _choice, outcomes in node.moves for _p, target in outcomes} for node in nodes}
    reported = set()
    for component in _strong_components(len(nodes), successors):
        members = set(component)
        if len(members) == 1 and component[0] not in successors[component[0]]:
            continue
        if any(nodes[index].scene.is_end_scene or not nodes[index].expanded for index in members):
            continue
        if any(successors[index] - members for index in members):
            continue
        first = min(members)
        scenes = sorted({nodes[index].scene.title for index in members})
        scene = nodes[first].scene
        if scene.pk in reported:
            continue
        reported.add(scene.pk)
        yield StoryProblem(
            INESCAPABLE_LOOP,
            f"A player can be caught in a loop they cannot leave ({', '.join(f'“{title}”' for title in scenes)}) "
            f"after {path_text(exploration, first)}: no open choice leads out of it.",
            scene_id=scene.pk,
        )


def _strong_components(count: int, successors: dict) -> list[list[int]]:
    """Tarjan's algorithm, without recursion."""
    index_of, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = 0
    for root in range(count):
        if root in index_of:
            continue
        work = [(root, iter(successors[root]))]
        index_of[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index_of:
                    index_of[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index_of[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _never(story: Story, exploration: Exploration, names: SceneNames):
    reached = {node.scene.pk for node in exploration.nodes}
    linked = reachable_scene_ids(story) if story.start_scenes else set()
    schema = exploration.schema
    for scene in story.scenes:
        if scene.pk in reached or scene.pk not in linked:
            continue
        blocking = [
            choice for choice in story.choices if choice.to_scene_id == scene.pk and choice.from_scene_id in reached
        ]
        if blocking:
            why = "; ".join(
                f"the choice “{choice.text}” in “{story.scenes_by_id[choice.from_scene_id].title}” needs "
                f"{names.condition(choice.condition) or 'a condition'}, which no player meets there"
                for choice in blocking
            )
        else:
            why = "every way in starts from a scene no player reaches"
        if scene.is_end_scene:
            yield StoryProblem(
                ENDING_UNREACHABLE, f"No player can reach the ending “{scene.title}”: {why}.", scene_id=scene.pk
            )
        else:
            yield StoryProblem(
                UNREACHABLE_WITH_STATE,
                f"“{scene.title}” is linked but no player can reach it: {why}.",
                scene_id=scene.pk,
            )
    states_at: dict = {}
    for node in exploration.nodes:
        states_at.setdefault(node.scene.pk, []).append(node.state)
    all_states = [node.state for node in exploration.nodes]
    for choice in story.choices:
        if choice.from_scene_id not in reached or not choice.condition:
            continue
        scene = story.scenes_by_id[choice.from_scene_id]
        if scene.is_end_scene:
            continue
        seen = exploration.choice_seen.get(choice.pk)
        text = names.condition(choice.condition) or "its condition"
        if seen is False:
            if any(_holds(choice.condition, state) for state in all_states):
                yield StoryProblem(
                    CHOICE_NEVER_AVAILABLE,
                    f"The choice “{choice.text}” in “{scene.title}” is never open: {text} holds elsewhere in the "
                    "story, but never when a player is in this scene.",
                    scene_id=scene.pk,
                    choice_id=choice.pk,
                )
            else:
                yield StoryProblem(
                    CONDITION_ALWAYS_FALSE,
                    f"The condition of “{choice.text}” in “{scene.title}” ({text}) is false for every player: "
                    "the choice is never open.",
                    scene_id=scene.pk,
                    choice_id=choice.pk,
                )
        elif seen is True and all(_holds(choice.condition, state) for state in states_at[scene.pk]):
            yield StoryProblem(
                CONDITION_ALWAYS_TRUE,
                f"The condition of “{choice.text}” in “{scene.title}” ({text}) is true for every player who gets "
                "there: it never closes the choice.",
                scene_id=scene.pk,
                choice_id=choice.pk,
            )
    gained = {item for state in all_states for item in state.items}
    for item in sorted(schema.items):
        if item not in gained and _gains(story, item):
            yield StoryProblem(
                ITEM_NEVER_GAINED, f"No player ever gains “{item}”: every place that gives it is out of reach."
            )


def _holds(condition, state) -> bool:
    try:
        return holds(condition, state)
    except Exception:  # noqa: BLE001 - a condition the engine cannot read counts as not holding here
        return False


def _declaration_problems(story: Story, exploration: Exploration):
    schema = exploration.schema
    set_names, read_names, gained = set(), set(), set()
    documents = [scene.effects for scene in story.scenes] + [choice.effects for choice in story.choices]
    for effects in documents:
        for effect in effects or []:
            if not isinstance(effect, dict) or len(effect) != 1:
                continue
            ((operator, operands),) = effect.items()
            if operator in ("set", "roll") and isinstance(operands, list) and operands:
                set_names.add(operands[0])
                if operator == "set" and len(operands) == 2:
                    read_names.update(_read(operands[1]) - {operands[0]})
            elif operator == "gain":
                gained.add(operands)
    for choice in story.choices:
        read_names.update(_read(choice.condition))
    for name, variable in schema.variables.items():
        if name not in set_names:
            yield StoryProblem(
                VARIABLE_NEVER_SET,
                f"The variable “{name}” is never set: it keeps its initial value "
                f"{variable.initial!r} for every player.",
            )
        elif name not in read_names:
            seen = " (players see it, but nothing depends on it)" if variable.visible else ""
            yield StoryProblem(
                VARIABLE_NEVER_READ, f"The variable “{name}” is set but no condition or other effect reads it{seen}."
            )
    for item in sorted(schema.items):
        if item not in gained:
            yield StoryProblem(ITEM_NEVER_GAINED, f"The item “{item}” is never gained: no effect says gain “{item}”.")


def _gains(story: Story, item: str) -> bool:
    return any(
        effect == {"gain": item}
        for effects in [scene.effects for scene in story.scenes] + [choice.effects for choice in story.choices]
        for effect in effects or []
    )


def _read(document) -> set[str]:
    found = set()
    if isinstance(document, list):
        for part in document:
            found |= _read(part)
    elif isinstance(document, dict):
        if list(document) == ["var"] and isinstance(document["var"], str) and document["var"] != ITEMS:
            found.add(document["var"])
        for value in document.values():
            found |= _read(value)
    return found


def _state_text(state) -> str:
    parts = [f"{name} = {value}" for name, value in sorted(state.variables.items())]
    if state.items:
        parts.append("carrying " + ", ".join(state.items))
    return ", ".join(parts) or "no state"
