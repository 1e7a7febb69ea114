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
TEMPORARY = re.compile(r"(?<![\w$])_[^\W\d]\w*")  # SugarCube's and Harlowe's temporary variables
DOLLAR_UNDERSCORE = re.compile(r"\$(_\w+)")  # a story variable whose name is a temporary's: `$_roll`
CONDITIONAL_EFFECT = re.compile(r"^(?:<<if\b.*<<(?:set|run)\b|\((?:if|unless|else-?if):.*\((?:set|put):)", re.I | re.S)
SETTER_BEFORE = re.compile(r"(?:<<set|\(set:)\s*\Z")

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
    candidates = _temporary_candidates(story)

    def reading(passage: Passage, temporaries: frozenset, condition_of, statements_of, found=None):
        """The passage read with these temporaries as hidden variables, fewer each time one proves unfaithful
        (what an unfaithful reading found is forgotten); and the temporaries kept."""
        while True:
            if found is not None:
                found.clear()
            read = read_passage(
                passage.text,
                dialect=dialect,
                condition_of=lambda source: condition_of(source, temporaries),
                statements_of=lambda source: statements_of(source, temporaries),
                tokens=tokens[passage.name],
            )
            unfaithful = _unfaithful(temporaries, read, passage.text)
            if not unfaithful:
                return read, temporaries
            temporaries -= unfaithful

    initial = {}
    for passage in init_passages:
        read_passage(
            passage.text,
            dialect=dialect,
            condition_of=_no_condition,
            statements_of=lambda source: _initial_values(source, initial, seen, scene_id_of),
        )
    tokens = {passage.name: passage_tokens(passage.text, dialect=dialect) for passage in story.story_passages}
    temporaries: dict[str, frozenset] = {}
    for passage in story.story_passages:
        found: list = []

        def collecting_condition(source: str, temps: frozenset, found=found) -> dict:
            condition = read_condition(source, scene_id_of=scene_id_of, temporaries=temps)
            found.append(("condition", condition))
            return condition

        def collecting_statements(source: str, temps: frozenset, found=found) -> list:
            effects = read_statements(source, scene_id_of=scene_id_of, temporaries=temps)
            found.append(("effects", effects))
            return effects

        _, temporaries[passage.name] = reading(
            passage, candidates.get(passage.name, frozenset()), collecting_condition, collecting_statements, found
        )
        for what, document in found:
            seen.condition(document) if what == "condition" else seen.effects(document)
    state = StoryState()
    homes = {name: passage for passage, names in temporaries.items() for name in names}
    schema = _declared(seen, initial, details, state, temporaries=homes)

    def checked_condition(source: str, temps: frozenset) -> dict:
        condition = read_condition(source, scene_id_of=scene_id_of, temporaries=temps)
        try:
            check_condition(condition, schema)
        except StoryRuleError as error:
            raise NotSimple(error.message) from None
        return condition

    def checked_statements(source: str, temps: frozenset) -> list:
        effects = read_statements(source, scene_id_of=scene_id_of, temporaries=temps)
        if RESET_ITEMS in effects:
            raise NotSimple("the inventory is emptied only at the start")
        try:
            check_effects(effects, schema)
        except StoryRuleError as error:
            raise NotSimple(error.message) from None
        return effects

    for passage in story.story_passages:
        read, kept_temporaries = reading(passage, temporaries[passage.name], checked_condition, checked_statements)
        for name in temporaries[passage.name] - kept_temporaries:  # declared, then refused: not declared after all
            state.variables = [variable for variable in state.variables if variable["name"] != name]
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
    """A kept macro says why when it is one of the story's widgets (what it does is not read as state), or an
    effect under a condition (`<<if $x>><<set $y to 1>><</if>>`), which our effects cannot express."""
    match = USED_MACRO.match(kept)
    if match and match.group(1) in widgets:
        return f"{kept} (the widget “{match.group(1)}” of passage “{widgets[match.group(1)]}”)"
    if CONDITIONAL_EFFECT.match(kept):
        return f"{kept} (an effect under a condition: it does not run when the story is played here)"
    return kept


def _remembered(read):
    """`read` parsing each text once per import: both passes, and passages repeating a macro, share it."""
    results: dict[tuple, object] = {}

    def remembered(source: str, *, scene_id_of, temporaries: frozenset = frozenset()):
        key = (source, temporaries)
        if key not in results:
            try:
                results[key] = read(source, scene_id_of=scene_id_of, temporaries=temporaries)
            except NotSimple as refusal:
                results[key] = refusal
        if isinstance(results[key], NotSimple):
            raise results[key]
        return copy.deepcopy(results[key])

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


def _temporary_candidates(story: TwineStory) -> dict[str, frozenset]:
    """By story passage, the temporary variables (`_roll`) no other passage names, nor any as `$_roll`: only
    those may become hidden variables (a temporary lives while its passage is shown)."""
    where: dict[str, set[str]] = {}
    for passage in story.passages:
        for name in set(TEMPORARY.findall(DECLARATIONS.sub("", passage.text))):  # not our own comment's names
            where.setdefault(name, set()).add(passage.name)
    dollars = {name for passage in story.passages for name in DOLLAR_UNDERSCORE.findall(passage.text)}
    scenes = {passage.name for passage in story.story_passages}
    candidates: dict[str, set] = {}
    for name, passages in where.items():
        if len(passages) == 1 and name not in dollars and next(iter(passages)) in scenes:
            candidates.setdefault(next(iter(passages)), set()).add(name)
    return {passage: frozenset(names) for passage, names in candidates.items()}


def _unfaithful(temporaries: frozenset, read: PassageState, text: str) -> frozenset:
    """The temporaries a hidden variable would not play the same: one not given a value by the passage's own
    effects, in its first `<<set>>`/`(set:)`, before anything reads it; or still in the text left (printed, or in
    a macro kept as text). Our scene's effects all apply on arrival, before its choices are shown: the same
    values only when the value is given first."""
    unfaithful = set()
    for name in temporaries:
        pattern = re.compile(rf"(?<![\w$]){re.escape(name)}(?!\w)")
        first_use = pattern.search(text)
        given = _given_first(read.effects, name)
        set_first = first_use is not None and SETTER_BEFORE.search(text, 0, first_use.start()) is not None
        if not given or not set_first or pattern.search(read.text):
            unfaithful.add(name)
    return frozenset(unfaithful)


def _given_first(effects: list, name: str) -> bool:
    """Whether the first of `effects` that names `name` gives it a value that does not read it."""
    first = next((effect for effect in effects or [] if name in _names_in(effect)), None)
    if not isinstance(first, dict) or len(first) != 1:
        return False
    ((operator, operands),) = first.items()
    return operator in ("set", "roll") and operands[0] == name and name not in _names_in(operands[1:])


def exported_temporaries(story) -> frozenset:
    """The variables named like a temporary (`_roll`) that play the same written as one: every use in one
    scene (its effects and its choices), its effects giving the value before anything reads it. The others are
    written as story variables (`$_roll`), which a re-import reads back as the same variable."""
    found = set()
    for variable in story.scenario.variables or []:
        name = variable["name"]
        if not name.startswith("_"):
            continue
        homes = {
            scene.pk
            for scene in story.scenes
            if name in _names_in(scene.effects or [])
            or any(
                name in _names_in(choice.condition or {}) | _names_in(choice.effects or [])
                for choice in story.choices_from(scene)
            )
        }
        if len(homes) == 1 and _given_first(story.scenes_by_id[homes.pop()].effects, name):
            found.add(name)
    return frozenset(found)


def _names_in(document) -> set[str]:
    """Every variable a condition, an effect or a value reads or sets."""
    if isinstance(document, list):
        return set().union(*(_names_in(part) for part in document)) if document else set()
    if not isinstance(document, dict):
        return set()
    names = set()
    for operator, operands in document.items():
        if operator == "var" and isinstance(operands, str):
            names.add(operands)
        elif operator in ("set", "roll") and isinstance(operands, list) and operands:
            names.add(operands[0])
            names |= _names_in(operands[1:])
        else:
            names |= _names_in(operands)
    return names


def temporary_description(name: str, passage: str) -> str:
    return f"The temporary variable {name} of passage “{passage}”, given its value there before it is read."


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


def _declared(
    seen: _Seen, initial: dict, details: dict, state: StoryState, *, temporaries: dict[str, str]
) -> StateSchema:
    """The declarations the uses call for; a name or value our state cannot hold is reported, not declared.
    A temporary (`_roll`, by its passage in `temporaries`) is a hidden variable saying whose it is."""
    variables = {}
    for name, kind in seen.kinds.items():
        kind = _literal_kind(initial[name]) if name in initial else kind or Kind.FLAG
        extra = details["variables"].get(name) if isinstance(details["variables"].get(name), dict) else {}
        extra = {key: extra[key] for key in VARIABLE_DETAILS if key in extra}
        if name in temporaries:
            extra = {"visible": False, "description": temporary_description(name, temporaries[name]), **extra}
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


def writer_for(format_name: str, scene_title_of, temporaries: frozenset = frozenset()) -> ScriptWriter:
    return ScriptWriter(export_dialect(format_name), scene_title_of, temporaries)


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
    # A temporary is given its value in its passage: SugarCube and Harlowe have no starting value for one.
    lines = write_initial_values(writer, [v for v in variables if v["name"] not in writer.temporaries], bool(items))
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
