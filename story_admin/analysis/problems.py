"""The problems only state shows: scenes and endings no reachable state gets to, choices never open,
softlocks, loops a player cannot leave, conditions that never change anything, declarations never used.

A problem that says "never" is listed only when the exploration was complete; what it found (a softlock,
a loop) is true either way.
"""

from django.utils.translation import gettext_noop

from ..state.engine import holds
from ..state.expressions import ITEMS
from ..state.schema import SceneNames
from ..story import Story
from ..validation import StoryProblem, reachable_scene_ids
from ..wording import phrase
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


def path_text(exploration: Exploration, index: int) -> str | dict:
    """The choices taken from the start to `index` ("“Open the door” → “Go down”"), a phrase at the start itself."""
    steps = [f"“{node.via.text}”" for node in exploration.path_to(index) if node.via is not None]
    return " → ".join(steps) if steps else phrase(gettext_noop("right at the start"))


def _stuck(story: Story, exploration: Exploration):
    seen = set()
    for node in exploration.nodes:
        if node.scene.is_end_scene or not node.expanded or node.moves or node.scene.pk in seen:
            continue
        if not any(choice.to_scene_id in story.scenes_by_id for choice in story.choices_from(node.scene)):
            continue  # no choice at all: the graph check already calls it a dead end
        seen.add(node.scene.pk)
        yield StoryProblem.worded(
            STUCK,
            gettext_noop("A player can be stuck in “%(title)s”: no choice is open there after %(path)s (%(state)s)."),
            scene_id=node.scene.pk,
            title=node.scene.title,
            path=path_text(exploration, node.index),
            state=_state_text(node.state),
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
        yield StoryProblem.worded(
            INESCAPABLE_LOOP,
            gettext_noop(
                "A player can be caught in a loop they cannot leave (%(titles)s) after %(path)s: no open choice leads "
                "out of it."
            ),
            scene_id=scene.pk,
            titles=", ".join(f"“{title}”" for title in scenes),
            path=path_text(exploration, first),
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
            why = [
                phrase(
                    gettext_noop(
                        "the choice “%(choice)s” in “%(title)s” needs %(condition)s, which no player meets there"
                    ),
                    choice=choice.text,
                    title=story.scenes_by_id[choice.from_scene_id].title,
                    condition=names.condition(choice.condition) or phrase(gettext_noop("a condition")),
                )
                for choice in blocking
            ]
        else:
            why = phrase(gettext_noop("every way in starts from a scene no player reaches"))
        code, wording = (
            (ENDING_UNREACHABLE, gettext_noop("No player can reach the ending “%(title)s”: %(why)s."))
            if scene.is_end_scene
            else (UNREACHABLE_WITH_STATE, gettext_noop("“%(title)s” is linked but no player can reach it: %(why)s."))
        )
        yield StoryProblem.worded(code, wording, scene_id=scene.pk, title=scene.title, why=why)
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
        named = {
            "choice": choice.text,
            "title": scene.title,
            "condition": names.condition(choice.condition) or phrase(gettext_noop("its condition")),
        }
        if seen is False:
            if any(_holds(choice.condition, state) for state in all_states):
                yield StoryProblem.worded(
                    CHOICE_NEVER_AVAILABLE,
                    gettext_noop(
                        "The choice “%(choice)s” in “%(title)s” is never open: %(condition)s holds elsewhere in the "
                        "story, but never when a player is in this scene."
                    ),
                    scene_id=scene.pk,
                    choice_id=choice.pk,
                    **named,
                )
            else:
                yield StoryProblem.worded(
                    CONDITION_ALWAYS_FALSE,
                    gettext_noop(
                        "The condition of “%(choice)s” in “%(title)s” (%(condition)s) is false for every player: the "
                        "choice is never open."
                    ),
                    scene_id=scene.pk,
                    choice_id=choice.pk,
                    **named,
                )
        elif seen is True and all(_holds(choice.condition, state) for state in states_at[scene.pk]):
            yield StoryProblem.worded(
                CONDITION_ALWAYS_TRUE,
                gettext_noop(
                    "The condition of “%(choice)s” in “%(title)s” (%(condition)s) is true for every player who gets "
                    "there: it never closes the choice."
                ),
                scene_id=scene.pk,
                choice_id=choice.pk,
                **named,
            )
    gained = {item for state in all_states for item in state.items}
    for item in sorted(schema.items):
        if item not in gained and _gains(story, item):
            yield StoryProblem.worded(
                ITEM_NEVER_GAINED,
                gettext_noop("No player ever gains “%(item)s”: every place that gives it is out of reach."),
                item=item,
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
            yield StoryProblem.worded(
                VARIABLE_NEVER_SET,
                gettext_noop(
                    "The variable “%(name)s” is never set: it keeps its initial value %(initial)s for every player."
                ),
                name=name,
                initial=value_text(variable.initial),
            )
        elif name not in read_names:
            yield StoryProblem.worded(
                VARIABLE_NEVER_READ,
                gettext_noop(
                    "The variable “%(name)s” is set but no condition or other effect reads it (players see it, but "
                    "nothing depends on it)."
                )
                if variable.visible
                else gettext_noop("The variable “%(name)s” is set but no condition or other effect reads it."),
                name=name,
            )
    for item in sorted(schema.items):
        if item not in gained:
            yield StoryProblem.worded(
                ITEM_NEVER_GAINED,
                gettext_noop("The item “%(item)s” is never gained: no effect says gain “%(item)s”."),
                item=item,
            )


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


def value_text(value) -> str:
    """A variable's value as the story's language writes it (`true`, `3`, `"north"`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _state_text(state) -> str | dict:
    """A player's state: "gold = 3, strength = 5", a phrase when it carries items or is empty."""
    variables = ", ".join(f"{name} = {value_text(value)}" for name, value in sorted(state.variables.items()))
    items = ", ".join(state.items)
    if items and variables:
        return phrase(gettext_noop("%(variables)s, carrying %(items)s"), variables=variables, items=items)
    if items:
        return phrase(gettext_noop("carrying %(items)s"), items=items)
    return variables or phrase(gettext_noop("no state"))
