"""The state engine: a story's declared variables and items, a player's state, conditions and effects.

One engine for every caller (progress, play-test, proofing, import, export). Conditions and effects are
the JSON Logic documents of `expressions`; `check_*` refuses, with names, what would fail at play time
(unknown variables or items, `has` on a number, `+` on a flag), so evaluation never meets a type error.
"""

import logging
import random
from dataclasses import dataclass, field
from enum import StrEnum

from json_logic import jsonLogic

from ..exceptions import StoryRuleError, on_field
from .dice import parse_dice
from .expressions import COMPARISONS, ITEMS, KEYWORDS, VISITS, _is_has, _visits_ref

logger = logging.getLogger(__name__)


class Kind(StrEnum):
    NUMBER = "number"
    FLAG = "flag"
    TEXT = "text"


PYTHON_TYPES = {Kind.NUMBER: (int, float), Kind.FLAG: (bool,), Kind.TEXT: (str,)}


@dataclass(frozen=True)
class Variable:
    name: str
    kind: Kind
    initial: int | float | bool | str
    minimum: float | None = None
    maximum: float | None = None
    visible: bool = True
    description: str = ""

    def clamped(self, value):
        if self.kind is not Kind.NUMBER:
            return value
        if self.minimum is not None and value < self.minimum:
            value = self.minimum
        if self.maximum is not None and value > self.maximum:
            value = self.maximum
        return int(value) if isinstance(value, float) and value.is_integer() else value


@dataclass(frozen=True)
class StateSchema:
    """What a story declares: its variables by name, its items."""

    variables: dict[str, Variable] = field(default_factory=dict)
    items: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.variables and not self.items

    def initial_state(self) -> "PlayerState":
        return PlayerState(variables={name: variable.initial for name, variable in self.variables.items()})


@dataclass
class PlayerState:
    """A player's variables, inventory and scene visits; `document()` is what progress stores and the API serves."""

    variables: dict = field(default_factory=dict)
    items: list[str] = field(default_factory=list)
    visits: dict[str, int] = field(default_factory=dict)

    def data(self) -> dict:
        """The data JSON Logic reads: variables by name, `items`, `visits`."""
        return {**self.variables, ITEMS: list(self.items), VISITS: dict(self.visits)}

    def document(self) -> dict:
        return {"variables": dict(self.variables), "items": list(self.items), "visits": dict(self.visits)}

    def step_document(self) -> dict:
        """What a history entry keeps: the variables and items. The visits are the path's own scenes counted
        (`visits_along`): kept in every entry they made a long play's progress grow with steps × scenes."""
        return {"variables": dict(self.variables), "items": list(self.items)}

    @classmethod
    def from_document(cls, document: dict | None) -> "PlayerState":
        document = document or {}
        return cls(
            variables=dict(document.get("variables") or {}),
            items=list(document.get("items") or []),
            visits={str(key): int(value) for key, value in (document.get("visits") or {}).items()},
        )

    def copy(self) -> "PlayerState":
        return PlayerState.from_document(self.document())

    def visited(self, scene_id) -> "PlayerState":
        state = self.copy()
        state.visits[str(scene_id)] = state.visits.get(str(scene_id), 0) + 1
        return state


def visits_along(scene_ids) -> dict[str, int]:
    """The visits a path made: how many times each scene of it was entered (the start included)."""
    visits: dict[str, int] = {}
    for scene_id in scene_ids:
        visits[str(scene_id)] = visits.get(str(scene_id), 0) + 1
    return visits


# Checking ----------------------------------------------------------------


def check_variable(variable: Variable) -> None:
    """A declaration that can be stored: a usable name, an initial value of its kind, sane bounds."""
    name = variable.name
    if not name or not name.isidentifier() or name in KEYWORDS or name == VISITS:
        raise on_field(
            "name",
            f"“{name}” cannot name a variable: use letters, digits and _, starting with a "
            "letter, and no word of the language (and, or, not, has, items…).",
        )
    if not isinstance(variable.initial, PYTHON_TYPES[variable.kind]) or (
        variable.kind is Kind.NUMBER and isinstance(variable.initial, bool)
    ):
        raise on_field("initial", f"The initial value of “{name}” must be a {variable.kind}.")
    if variable.kind is Kind.NUMBER:
        low, high = variable.minimum, variable.maximum
        if low is not None and high is not None and low > high:
            raise on_field("minimum", f"“{name}”: the minimum is above the maximum.")
        if variable.clamped(variable.initial) != variable.initial:
            raise on_field("initial", f"“{name}” starts outside its bounds.")


def check_condition(condition, schema: StateSchema) -> None:
    """Refuse a condition that names unknown variables or items or mixes kinds; `{}` (always) passes."""
    if condition in ({}, None):
        return
    kind = _kind_of(condition, schema)
    if kind is not Kind.FLAG:
        raise StoryRuleError(f"A condition must be true or false, not a {kind}: compare it, e.g. “… > 0”.")


def check_effects(effects, schema: StateSchema) -> None:
    if not isinstance(effects, list):
        raise StoryRuleError("Effects must be a list.")
    for effect in effects:
        if not isinstance(effect, dict) or len(effect) != 1:
            raise StoryRuleError(f"{effect!r} is not an effect.")
        ((operator, operands),) = effect.items()
        if operator in ("gain", "lose"):
            _known_item(operands, schema)
        elif operator == "roll" and isinstance(operands, list) and len(operands) == 2:
            variable = _declared(operands[0], schema)
            if variable.kind is not Kind.NUMBER:
                raise StoryRuleError(f"“{variable.name}” is a {variable.kind}: a roll goes into a number.")
            parse_dice(operands[1])
        elif operator == "set" and isinstance(operands, list) and len(operands) == 2:
            variable = _declared(operands[0], schema)
            kind = _kind_of(operands[1], schema)
            if kind is not variable.kind:
                raise StoryRuleError(f"“{variable.name}” is a {variable.kind}: it cannot be given a {kind}.")
        else:
            raise StoryRuleError(f"{effect!r} is not an effect.")


def _declared(name, schema: StateSchema) -> Variable:
    if not isinstance(name, str) or name not in schema.variables:
        raise StoryRuleError(f"Unknown variable “{name}”: declare it in the story's variables first.")
    return schema.variables[name]


def _known_item(name, schema: StateSchema) -> str:
    if not isinstance(name, str) or name not in schema.items:
        raise StoryRuleError(f"Unknown item “{name}”: declare it in the story's items first.")
    return name


def _kind_of(node, schema: StateSchema) -> Kind:  # noqa: PLR0911 - one branch per construct of the language
    if isinstance(node, bool):
        return Kind.FLAG
    if isinstance(node, (int, float)):
        return Kind.NUMBER
    if isinstance(node, str):
        return Kind.TEXT
    if not isinstance(node, dict) or len(node) != 1:
        raise StoryRuleError(f"{node!r} is not a condition this studio understands.")
    ((operator, operands),) = node.items()
    if operator == "var":
        if _visits_ref(node):
            return Kind.NUMBER
        return _declared(operands, schema).kind
    if operator == "in" and _is_has(operands):
        _known_item(operands[0], schema)
        return Kind.FLAG
    if operator == "!":
        operand = operands[0] if isinstance(operands, list) and len(operands) == 1 else operands
        _expect(operand, Kind.FLAG, "not", schema)
        return Kind.FLAG
    if not isinstance(operands, list):
        raise StoryRuleError(f"{node!r} is not a condition this studio understands.")
    if operator in ("and", "or") and len(operands) >= 2:
        for operand in operands:
            _expect(operand, Kind.FLAG, operator, schema)
        return Kind.FLAG
    if operator in COMPARISONS and len(operands) == 2:
        left, right = (_kind_of(operand, schema) for operand in operands)
        if operator in ("==", "!=", "===", "!=="):
            if left is not right:
                raise StoryRuleError(f"Comparing a {left} with a {right} is never true: compare like with like.")
        elif left is not Kind.NUMBER or right is not Kind.NUMBER:
            raise StoryRuleError(f"“{operator}” compares numbers, not a {left if left is not Kind.NUMBER else right}.")
        return Kind.FLAG
    if operator in ("+", "-", "*", "/", "%") and operands:
        for operand in operands:
            _expect(operand, Kind.NUMBER, operator, schema)
        return Kind.NUMBER
    raise StoryRuleError(f"{node!r} is not a condition this studio understands.")


def _expect(node, kind: Kind, operator: str, schema: StateSchema) -> None:
    found = _kind_of(node, schema)
    if found is not kind:
        named = f"“{node['var']}”" if isinstance(node, dict) and isinstance(node.get("var"), str) else "this"
        raise StoryRuleError(f"“{operator}” needs a {kind}, but {named} is a {found}.")


# Evaluating --------------------------------------------------------------


def holds(condition, state: PlayerState) -> bool:
    """Whether a checked condition holds in `state` (`{}` always does)."""
    if condition in ({}, None):
        return True
    try:
        return bool(jsonLogic(condition, state.data()))
    except ZeroDivisionError:
        logger.warning("A condition divided by zero and is taken as false: %s with %s", condition, state.data())
        return False


def value_of(expression, state: PlayerState):
    return jsonLogic(expression, state.data())


def apply_effects(
    effects, schema: StateSchema, state: PlayerState, rng: random.Random, *, fixed_roll: int | None = None
) -> PlayerState:
    """The state after checked effects, in order; numbers kept within their bounds; dice rolled from `rng`
    (or, for the play-test's "next roll", the first roll gives `fixed_roll`, kept within what the dice can give)."""
    state = state.copy()
    for effect in effects or []:
        ((operator, operands),) = effect.items()
        if operator == "gain":
            if operands not in state.items:
                state.items = sorted([*state.items, operands])
        elif operator == "lose":
            state.items = [item for item in state.items if item != operands]
        elif operator == "roll":
            name, notation = operands
            dice = parse_dice(notation)
            if fixed_roll is None:
                total = dice.roll(rng)
            else:
                total, fixed_roll = min(max(fixed_roll, dice.lowest), dice.highest), None
            state.variables[name] = schema.variables[name].clamped(total)
        else:
            name, expression = operands
            try:
                value = value_of(expression, state)
            except ZeroDivisionError:
                logger.warning(
                    "An effect on “%s” divided by zero and was skipped: %s with %s", name, expression, state.data()
                )
                continue
            state.variables[name] = schema.variables[name].clamped(value)
    return state
