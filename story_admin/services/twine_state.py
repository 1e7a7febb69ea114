"""Story state in and out of Twine: passages' macros become declared variables, items, conditions and effects
(checked by the state engine, as an author's would be), and ours are written back as the story format's macros.

Reading takes two passes over the passages: the first collects every condition and effect to learn each
variable's kind (a number if it is compared or added to, a flag if it is tested as true/false…) and the
initial values (StoryInit's `<<set>>`s in SugarCube, the `startup` passages' `(set:)`s in Harlowe); the
second checks each one against those declarations, and one that fails stays in the text, reported.
"""

import copy
import json
import logging
import re
from dataclasses import dataclass, field

from ..exceptions import StoryRuleError
from ..state.engine import Kind, StateSchema, Variable, check_condition, check_effects, check_variable
from ..state.expressions import ITEMS
from ..twine.macros import (
    PassageLink,
    PassageState,
    passage_tokens,
    read_passage,
    write_effects,
    write_initial_values,
    write_link,
)
from ..twine.model import INIT_TAG, SCRIPT_TAG, STARTUP_TAG, STYLESHEET_TAG, WIDGET_TAG, Passage, TwineStory
from ..twine.script import HARLOWE, SUGARCUBE, NotSimple, ScriptWriter
from ..twine.script import read_condition as _read_condition
from ..twine.script import read_statements as _read_statements

STORY_INIT = "StoryInit"
SUGARCUBE_FORMAT, SUGARCUBE_VERSION = "SugarCube", "2.37.3"
DEFAULT_INITIAL = {Kind.NUMBER: 0, Kind.FLAG: False, Kind.TEXT: ""}
RESET_ITEMS = {"reset_items": True}
# What Twine has no words for (bounds, hidden, descriptions), kept in a comment line of the init passage,
# which SugarCube and Harlowe both skip: `<!-- story-studio {"variables": {...}, "items": {...}} -->`.
DECLARATIONS = re.compile(r"^[ \t]*<!-- story-studio (\{.*\}) -->[ \t]*$", re.MULTILINE)
VARIABLE_DETAILS = ("minimum", "maximum", "visible", "description")
WIDGET = re.compile(r"""<<widget\s+(["'])([^"'\s>]+)\1""")
USED_MACRO = re.compile(r"^<<([A-Za-z][\w-]*)")

logger = logging.getLogger(__name__)


def dialect_of(story: TwineStory) -> str | None:
    """SUGARCUBE or HARLOWE for the story's format; unnamed: whichever macros its passages use; None for others
    (Chapbook, Snowman…), whose text is kept as it is."""
    name = story.format.lower()
    if name.startswith("harlowe"):
        return HARLOWE
    if name.startswith("sugarcube"):
        return SUGARCUBE
    if name:
        return None
    texts = [passage.text for passage in story.passages]
    if any("<<" in text for text in texts):
        return SUGARCUBE
    if any("(set:" in text or "(if:" in text for text in texts):
        return HARLOWE
    return None


def is_init_passage(passage: Passage, dialect: str | None) -> bool:
    """A passage that sets the starting values: SugarCube's StoryInit and `init`-tagged ones, Harlowe's
    `startup`-tagged ones."""
    if {SCRIPT_TAG, STYLESHEET_TAG, WIDGET_TAG} & set(passage.tags):
        return False
    if dialect == SUGARCUBE:
        return passage.name == STORY_INIT or INIT_TAG in passage.tags
    return dialect == HARLOWE and STARTUP_TAG in passage.tags


def in_run_order(passages: list[Passage], dialect: str | None) -> list[Passage]:
    """Init passages in the order the story format runs them: SugarCube's `init`-tagged ones (in the story's
    order), then StoryInit; Harlowe's `startup` ones in the story's order. A value set twice: the last wins."""
    if dialect != SUGARCUBE:
        return list(passages)
    return sorted(passages, key=lambda passage: passage.name == STORY_INIT and INIT_TAG not in passage.tags)


def widget_names(story: TwineStory) -> dict[str, str]:
    """SugarCube's widgets, `<<widget "name">>` in `widget`-tagged passages: the passage of each."""
    if dialect_of(story) != SUGARCUBE:
        return {}
    return {
        match.group(2): passage.name
        for passage in story.special_passages
        if WIDGET_TAG in passage.tags
        for match in WIDGET.finditer(passage.text)
    }


@dataclass
class StoryState:
    """What an import learnt: declarations, each story passage's state, each init passage's text left."""

    variables: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    passages: dict[str, PassageState] = field(default_factory=dict)
    init_texts: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def read_story_state(story: TwineStory, *, scene_id_of) -> StoryState | None:
    """The state in `story`'s macros, or None when its format is not one we read (its text is kept as is)."""
    dialect = dialect_of(story)
    if dialect is None:
        return None
    read_condition, read_statements = _remembered(_read_condition), _remembered(_read_statements)
    details: dict = {"variables": {}, "items": {}}
    init_passages = [
        Passage(name=passage.name, text=_without_details(passage, details), tags=passage.tags)
        for passage in in_run_order(
            [passage for passage in story.special_passages if is_init_passage(passage, dialect)], dialect
        )
    ]
    widgets = widget_names(story)
    seen = _Seen()

    def collecting_condition(source: str) -> dict:
        condition = read_condition(source, scene_id_of=scene_id_of)
        seen.condition(condition)
        return condition

    def collecting_statements(source: str) -> list:
        effects = read_statements(source, scene_id_of=scene_id_of)
        seen.effects(effects)
        return effects

    initial = {}
    for passage in init_passages:
        read_passage(
            passage.text,
            dialect=dialect,
            condition_of=_no_condition,
            statements_of=lambda source: _initial_values(source, initial, seen, scene_id_of),
        )
    tokens = {passage.name: passage_tokens(passage.text, dialect=dialect) for passage in story.story_passages}
    for passage in story.story_passages:
        read_passage(
            passage.text,
            dialect=dialect,
            condition_of=collecting_condition,
            statements_of=collecting_statements,
            tokens=tokens[passage.name],
        )
    state = StoryState()
    schema = _declared(seen, initial, details, state)

    def checked_condition(source: str) -> dict:
        condition = read_condition(source, scene_id_of=scene_id_of)
        try:
            check_condition(condition, schema)
        except StoryRuleError as error:
            raise NotSimple(error.message) from None
        return condition

    def checked_statements(source: str) -> list:
        effects = read_statements(source, scene_id_of=scene_id_of)
        if RESET_ITEMS in effects:
            raise NotSimple("the inventory is emptied only at the start")
        try:
            check_effects(effects, schema)
        except StoryRuleError as error:
            raise NotSimple(error.message) from None
        return effects

    for passage in story.story_passages:
        read = read_passage(
            passage.text,
            dialect=dialect,
            condition_of=checked_condition,
            statements_of=checked_statements,
            tokens=tokens[passage.name],
        )
        state.passages[passage.name] = read
        if read.kept:
            state.warnings.append(
                f"Passage “{passage.name}” keeps as text what was not read as story state: "
                + "; ".join(dict.fromkeys(_with_widgets(kept, widgets) for kept in read.kept))
                + "."
            )
    for passage in init_passages:
        read = read_passage(
            passage.text,
            dialect=dialect,
            condition_of=_no_condition,
            statements_of=lambda source: _initial_values(source, {}, _Seen(), scene_id_of, schema=schema),
        )
        state.init_texts[passage.name] = read.text
        if read.kept:
            state.warnings.append(
                f"Passage “{passage.name}” keeps as text what was not read as starting values: "
                + "; ".join(dict.fromkeys(read.kept))
                + "."
            )
    return state


def _with_widgets(kept: str, widgets: dict[str, str]) -> str:
    """A kept macro that is one of the story's widgets says so: what the widget does is not read as state."""
    match = USED_MACRO.match(kept)
    if match and match.group(1) in widgets:
        return f"{kept} (the widget “{match.group(1)}” of passage “{widgets[match.group(1)]}”)"
    return kept


def _remembered(read):
    """`read` parsing each text once per import: both passes, and passages repeating a macro, share it."""
    results: dict[str, object] = {}

    def remembered(source: str, *, scene_id_of):
        if source not in results:
            try:
                results[source] = read(source, scene_id_of=scene_id_of)
            except NotSimple as refusal:
                results[source] = refusal
        if isinstance(results[source], NotSimple):
            raise results[source]
        return copy.deepcopy(results[source])

    return remembered


def _without_details(passage: Passage, details: dict) -> str:
    """The init passage's text without its declarations comment, whose details go into `details`."""

    def taken(match) -> str:
        try:
            found = json.loads(match.group(1))
            for key in ("variables", "items"):
                if isinstance(found.get(key), dict):
                    details[key].update(found[key])
        except (ValueError, AttributeError):
            logger.warning("Passage %s: a story-studio comment is not JSON and stays as text", passage.name)
            return match.group(0)
        return "\x00"

    text = DECLARATIONS.sub(taken, passage.text)
    return "\n".join(line for line in text.split("\n") if line != "\x00")


def _no_condition(source: str) -> dict:
    raise NotSimple("a condition in the starting values")


def _initial_values(source: str, initial: dict, seen: "_Seen", scene_id_of, *, schema: StateSchema | None = None):
    """StoryInit's statements: plain values given to variables (or the inventory emptied); nothing else."""
    effects = _read_statements(source, scene_id_of=scene_id_of)
    for effect in effects:
        if effect == RESET_ITEMS:
            continue
        operator, operands = next(iter(effect.items()))
        value = operands[1] if operator == "set" else None
        if operator != "set" or isinstance(value, (dict, list)) or value is None:
            raise NotSimple("not a plain starting value")
        if schema is not None and operands[0] not in schema.variables:
            raise NotSimple("not a variable")
    for effect in effects:
        if effect != RESET_ITEMS:
            name, value = effect["set"]
            initial[name] = value  # in run order: the last value given is the one play starts with
            seen.kind(name, _literal_kind(value))
    return effects


class _Seen:
    """Every variable and item the passages use, and the kinds their uses give the variables (first wins)."""

    def __init__(self):
        self.kinds: dict[str, Kind | None] = {}
        self.items: list[str] = []

    def kind(self, name: str, kind: Kind | None) -> None:
        if self.kinds.get(name) is None:
            self.kinds[name] = kind

    def item(self, name) -> None:
        if isinstance(name, str) and name not in self.items:
            self.items.append(name)

    def effects(self, effects: list) -> None:
        for effect in effects:
            ((operator, operands),) = effect.items()
            if operator in ("gain", "lose"):
                self.item(operands)
            elif operator == "roll":
                self.kind(operands[0], Kind.NUMBER)
            elif operator == "set":
                name, value = operands
                self.kind(name, _value_kind(value))
                self.condition(value, truth=False)

    def condition(self, node, *, truth: bool = True) -> None:
        """Walk a condition: a variable read where a truth value is expected is a flag, in arithmetic or
        an ordering a number, compared for equality with a value the kind of that value."""
        if isinstance(node, list):
            for part in node:
                self.condition(part, truth=False)
            return
        if not isinstance(node, dict) or len(node) != 1:
            return
        ((operator, operands),) = node.items()
        if operator == "var":
            if isinstance(operands, str):
                self.kind(operands, Kind.FLAG if truth else None)
            return
        if operator == "in" and isinstance(operands, list) and operands[1:] == [{"var": ITEMS}]:
            self.item(operands[0])
            return
        parts = operands if isinstance(operands, list) else [operands]
        if operator in ("and", "or", "!"):
            for part in parts:
                self.condition(part)
            return
        hint = Kind.NUMBER if operator in (">", ">=", "<", "<=", "+", "-", "*", "/", "%") else None
        if operator in ("==", "!=") and len(parts) == 2:
            hint = _literal_kind(parts[1]) or _literal_kind(parts[0])
        for part in parts:
            if isinstance(part, dict) and isinstance(part.get("var"), str):
                self.kind(part["var"], hint)
            else:
                self.condition(part, truth=False)


def _literal_kind(value) -> Kind | None:
    if isinstance(value, bool):
        return Kind.FLAG
    if isinstance(value, (int, float)):
        return Kind.NUMBER
    if isinstance(value, str):
        return Kind.TEXT
    return None


def _value_kind(value) -> Kind | None:
    kind = _literal_kind(value)
    if kind is not None or not isinstance(value, dict) or len(value) != 1:
        return kind
    operator = next(iter(value))
    if operator in ("+", "-", "*", "/", "%"):
        return Kind.NUMBER
    if operator in ("and", "or", "!", "==", "!=", ">", ">=", "<", "<=", "in"):
        return Kind.FLAG
    return None


def _declared(seen: _Seen, initial: dict, details: dict, state: StoryState) -> StateSchema:
    """The declarations the uses call for; a name or value our state cannot hold is reported, not declared."""
    variables = {}
    for name, kind in seen.kinds.items():
        kind = _literal_kind(initial[name]) if name in initial else kind or Kind.FLAG
        extra = details["variables"].get(name) if isinstance(details["variables"].get(name), dict) else {}
        extra = {key: extra[key] for key in VARIABLE_DETAILS if key in extra}
        variable = Variable(name=name, kind=kind, initial=initial.get(name, DEFAULT_INITIAL[kind]), **extra)
        try:
            check_variable(variable)
        except StoryRuleError as error:
            state.warnings.append(f"The variable ${name} was not declared: {error.message}")
            continue
        variables[name] = variable
    items = [
        name
        for name in seen.items
        if name.strip() and '"' not in name and "/" not in name and len(name) <= 80 and name not in variables
    ]
    state.variables = [
        {
            "name": v.name,
            "kind": str(v.kind),
            "initial": v.initial,
            "minimum": v.minimum,
            "maximum": v.maximum,
            "visible": v.visible,
            "description": v.description,
        }
        for v in variables.values()
    ]
    state.items = [{"name": name, "description": str(details["items"].get(name) or "")} for name in items]
    return StateSchema(variables=variables, items=frozenset(items))


# Writing back ----------------------------------------------------------------


def export_dialect(format_name: str) -> str:
    return HARLOWE if format_name.lower().startswith("harlowe") else SUGARCUBE


def writer_for(format_name: str, scene_title_of) -> ScriptWriter:
    return ScriptWriter(export_dialect(format_name), scene_title_of)


def passage_text(writer: ScriptWriter, *, text: str, effects: list, links: list[PassageLink]) -> str:
    """A scene as a passage: its effects first, one macro a line, then its text, then its choices."""
    head = write_effects(writer, effects or [])
    lines = [write_link(writer, link) for link in links]
    body = "\n".join([*head, text]) if head else text
    return body + ("\n\n" + "\n".join(lines) if lines else "")


def init_passage(
    writer: ScriptWriter, *, kept: Passage | None, variables: list[dict], items: list[dict]
) -> Passage | None:
    """StoryInit (SugarCube) or the startup passage (Harlowe): the declared starting values, then what the
    imported one held that was not read as state, untouched."""
    lines = write_initial_values(writer, variables, bool(items))
    variable_details = {
        variable["name"]: {key: variable[key] for key in VARIABLE_DETAILS if not _is_default(key, variable.get(key))}
        for variable in variables
    }
    found = {
        "variables": {name: extra for name, extra in variable_details.items() if extra},
        "items": {item["name"]: item["description"] for item in items if item.get("description")},
    }
    if found["variables"] or found["items"]:
        lines.insert(0, f"<!-- story-studio {json.dumps(found, ensure_ascii=False)} -->")
    if kept is None and not lines:
        return None
    text = "\n".join([*lines, kept.text] if kept is not None and kept.text else lines)
    if kept is not None:
        return Passage(name=kept.name, text=text, tags=list(kept.tags), position=kept.position, size=kept.size)
    if writer.harlowe:
        return Passage(name="Startup", text=text, tags=[STARTUP_TAG])
    return Passage(name=STORY_INIT, text=text)


def _is_default(key: str, value) -> bool:
    return value is None or (key == "visible" and value is True) or (key == "description" and value == "")


def visits_title_of(names: dict) -> callable:
    """For `visited("…")`: the passage name of a scene id (the id itself if the scene is gone)."""
    by_id = {str(scene_id): name for scene_id, name in names.items()}
    return lambda scene_id: by_id.get(scene_id, scene_id)
