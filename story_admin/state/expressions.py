"""The readable language authors type, parsed with lark into JSON Logic, and printed back the same way.

Conditions: `gold >= 10 and has("lantern")`, `not visited("La crypte")`, `visits("Le puits") < 3`,
`stamina * 2 > skill + 1`. Effects, separated by `;` or new lines: `gold += 5`, `stamina -= 2`,
`lamp_lit = true`, `toggle codeword`, `gain "brass key"`, `lose "lantern"`, `luck_roll = 2d6`.

The JSON Logic documents (jsonlogic.com) are what is stored and served, so a players' app evaluates the
same rule with json-logic-js: a variable is `{"var": "gold"}`; the inventory is the list `items` (has:
`{"in": ["lantern", {"var": "items"}]}`); visits count by scene id under `visits` (`{"var":
["visits.<id>", 0]}`). Effects are a list of `{"set": [name, expr]}`, `{"gain": item}`, `{"lose": item}`
and `{"roll": [name, "2d6"]}`; `+=`, `-=` and `toggle` are `set`s whose expression reads the variable.
"""

import json
from collections.abc import Callable

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.exceptions import VisitError

from ..exceptions import StoryRuleError
from .dice import parse_dice

ITEMS, VISITS = "items", "visits"
KEYWORDS = {"and", "or", "not", "true", "false", "has", "visited", "visits", "toggle", "gain", "lose", "items"}

GRAMMAR = r"""
start_condition: expr
start_effects: _SEP* (effect (_SEP+ effect)* _SEP*)?

?expr: or_
?or_: and_ | or_ "or" and_               -> or_op
?and_: not_ | and_ "and" not_            -> and_op
?not_: compare | "not" not_              -> not_op
?compare: sum | sum COMPARISON sum       -> comparison
?sum: product | sum ADDITIVE product     -> arithmetic
?product: unary | product MULTIPLICATIVE unary -> arithmetic
?unary: atom | "-" unary                 -> negative
?atom: NUMBER                            -> number
     | ESCAPED_STRING                    -> text
     | "true"                            -> true
     | "false"                           -> false
     | "has" "(" item ")"                -> has
     | "visited" "(" ESCAPED_STRING ")"  -> visited
     | "visits" "(" ESCAPED_STRING ")"   -> visits
     | NAME                              -> variable
     | "(" expr ")"

item: ESCAPED_STRING | NAME

effect: NAME "=" DICE                    -> roll
      | NAME "=" expr                    -> assign
      | NAME "+=" expr                   -> increase
      | NAME "-=" expr                   -> decrease
      | "toggle" NAME                    -> toggle
      | "gain" item                      -> gain
      | "lose" item                      -> lose

DICE.2: /\d*d\d+(\s*[+-]\s*\d*d?\d+)*/i
COMPARISON: ">=" | "<=" | "==" | "!=" | ">" | "<"
ADDITIVE: "+" | "-"
MULTIPLICATIVE: "*" | "/" | "%"
NAME: /[^\W\d]\w*/
NUMBER: /\d+(\.\d+)?/
_SEP: ";" | /\n/

%import common.ESCAPED_STRING
%ignore /[ \t\r]+/
"""

_PARSER = Lark(GRAMMAR, start=["start_condition", "start_effects"], parser="lalr")

TOKEN_NAMES = {
    "NAME": "a name",
    "NUMBER": "a number",
    "ESCAPED_STRING": "a quoted text",
    "COMPARISON": "a comparison",
    "ADDITIVE": "+ or -",
    "MULTIPLICATIVE": "*, / or %",
    "LPAR": "(",
    "RPAR": ")",
    "DICE": "dice like 2d6",
    "EQUAL": "=",
    "_SEP": "; or a new line",
    "$END": "the end",
    "OR": "or",
    "AND": "and",
    "NOT": "not",
    "MINUS": "-",
    "TRUE": "true",
    "FALSE": "false",
    "HAS": "has(…)",
    "VISITED": "visited(…)",
    "VISITS": "visits(…)",
    "TOGGLE": "toggle",
    "GAIN": "gain",
    "LOSE": "lose",
    "__ANON_0": "+=",
    "__ANON_1": "-=",
}


class ExpressionError(StoryRuleError):
    """A condition or effect that does not parse; says where (1-based column) and what was expected."""

    def __init__(self, message: str, *, column: int | None = None, field: str = "expression"):
        super().__init__(message, field_errors={field: [message]})
        self.column = column


SceneIdOf = Callable[[str], str]
SceneTitleOf = Callable[[str], str]


def _same(value: str) -> str:
    return value


def parse_condition(text: str, *, scene_id_of: SceneIdOf = _same) -> dict:
    """JSON Logic for a readable condition; an empty text is `{}` (always)."""
    if not (text or "").strip():
        return {}
    return _transformed(_parse(text, "start_condition"), scene_id_of)


def parse_effects(text: str, *, scene_id_of: SceneIdOf = _same) -> list[dict]:
    """The JSON Logic effects of a readable list (`;` or new lines between them)."""
    if not (text or "").strip():
        return []
    return _transformed(_parse(text, "start_effects"), scene_id_of)


def _transformed(tree, scene_id_of: SceneIdOf):
    """The JSON Logic of a parsed text; a refusal met on the way (a keyword as a name, an unknown scene,
    bad dice) comes out as itself, not wrapped in lark's VisitError."""
    try:
        return _ToJsonLogic(scene_id_of).transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, StoryRuleError):
            raise error.orig_exc from None
        raise


def _parse(text: str, start: str):
    try:
        return _PARSER.parse(text, start=start)
    except UnexpectedInput as error:
        raise _explained(text, error, effects=start == "start_effects") from None


# What an author most likely meant comes first in "expected …".
EXPECTED_ORDER = ["a name", "a number", "a quoted text", "a comparison", "and", "or", "(", ")", "=", "+=", "-="]


def _explained(text: str, error: UnexpectedInput, *, effects: bool) -> ExpressionError:
    column = getattr(error, "column", None)
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        found, column = "the text ends", len(text) + 1
    elif isinstance(error, UnexpectedCharacters):
        found = f"“{text[error.pos_in_stream]}”"
    else:
        found = f"“{error.token}”"
    names = getattr(error, "expected", None) or getattr(error, "allowed", None) or ()
    expected = {TOKEN_NAMES.get(name, name.strip('"').lower()) for name in names if effects or name != "_SEP"}
    ranked = sorted(expected, key=lambda name: (EXPECTED_ORDER.index(name) if name in EXPECTED_ORDER else 99, name))
    hint = f": expected {', '.join(ranked[:8])}" if ranked else ""
    where = f" at column {column}" if column and column > 0 else ""
    return ExpressionError(f"Cannot read “{text.strip()}”{where}: {found}{hint}.", column=column)


class Literals:
    """Transformer methods for the literals every expression grammar of ours shares (this one and Twine's):
    numbers, strings (`unquote`), true/false and a negated operand (`operand` turns a child into a value)."""

    unquote = staticmethod(lambda token: json.loads(str(token)))
    operand = staticmethod(lambda child: child)

    def negative(self, children):
        value = self.operand(children[0])
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
        return {"-": [value]}

    def number(self, children):
        text = str(children[0])
        return float(text) if "." in text else int(text)

    def text(self, children):
        return self.unquote(children[0])

    def true(self, children):
        return True

    def false(self, children):
        return False


class _ToJsonLogic(Literals, Transformer):
    def __init__(self, scene_id_of: SceneIdOf):
        super().__init__()
        self.scene_id_of = scene_id_of

    def start_condition(self, children):
        return children[0]

    def start_effects(self, children):
        return list(children)

    # Conditions and values.
    def or_op(self, children):
        return {"or": flatten("or", children)}

    def and_op(self, children):
        return {"and": flatten("and", children)}

    def not_op(self, children):
        return {"!": children[0]}

    def comparison(self, children):
        left, operator, right = children
        return {str(operator): [left, right]}

    def arithmetic(self, children):
        left, operator, right = children
        operator = str(operator)
        if operator in "+*":
            return {operator: flatten(operator, [left, right])}
        return {operator: [left, right]}

    def item(self, children):
        token = children[0]
        return _unquoted(token) if token.type == "ESCAPED_STRING" else str(token)

    def has(self, children):
        return {"in": [children[0], {"var": ITEMS}]}

    def visits(self, children):
        return {"var": [f"{VISITS}.{self.scene_id_of(_unquoted(children[0]))}", 0]}

    def visited(self, children):
        return {">": [self.visits(children), 0]}

    def variable(self, children):
        return {"var": _variable_name(children[0])}

    # Effects.
    def roll(self, children):
        name, dice = children
        return {"roll": [_variable_name(name), parse_dice(str(dice)).notation]}

    def assign(self, children):
        name, value = children
        return {"set": [_variable_name(name), value]}

    def increase(self, children):
        name, value = children
        return {"set": [_variable_name(name), {"+": [{"var": _variable_name(name)}, value]}]}

    def decrease(self, children):
        name, value = children
        return {"set": [_variable_name(name), {"-": [{"var": _variable_name(name)}, value]}]}

    def toggle(self, children):
        name = _variable_name(children[0])
        return {"set": [name, {"!": {"var": name}}]}

    def gain(self, children):
        return {"gain": children[0]}

    def lose(self, children):
        return {"lose": children[0]}


def flatten(operator: str, operands: list) -> list:
    """`a and (b and c)` as one `and` of three: nested operands of the same operator lifted into the list."""
    flat = []
    for operand in operands:
        if isinstance(operand, dict) and list(operand) == [operator] and isinstance(operand[operator], list):
            flat.extend(operand[operator])
        else:
            flat.append(operand)
    return flat


def _unquoted(token: Token) -> str:
    return json.loads(str(token))


def _variable_name(token: Token) -> str:
    name = str(token)
    if name in KEYWORDS:
        raise ExpressionError(
            f"“{name}” is a word of the language, not a variable: choose another name.",
            column=getattr(token, "column", None),
        )
    return name


# Printing back -----------------------------------------------------------

PRECEDENCE = {"or": 1, "and": 2, "!": 3, "compare": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6, "neg": 7, "atom": 8}
COMPARISONS = {">=", "<=", "==", "!=", ">", "<", "===", "!=="}


class NotReadable(ValueError):
    """A stored document outside the language (old data): shown as JSON, reported by the proofing."""


def condition_text(condition, *, scene_title_of: SceneTitleOf = _same) -> str:
    """The readable form of a stored condition (`""` for `{}`, always)."""
    if condition in ({}, None, ""):
        return ""
    return _Printer(scene_title_of).expression(condition)[0]


def effects_text(effects, *, scene_title_of: SceneTitleOf = _same) -> str:
    """The readable form of stored effects, one per line."""
    printer = _Printer(scene_title_of)
    return "\n".join(printer.effect(effect) for effect in effects or [])


class _Printer:
    def __init__(self, scene_title_of: SceneTitleOf):
        self.scene_title_of = scene_title_of

    def expression(self, node) -> tuple[str, int]:
        if isinstance(node, bool):
            return ("true" if node else "false"), PRECEDENCE["atom"]
        if isinstance(node, (int, float)):
            text = _number(node)
            return text, PRECEDENCE["neg"] if node < 0 else PRECEDENCE["atom"]
        if isinstance(node, str):
            return json.dumps(node, ensure_ascii=False), PRECEDENCE["atom"]
        if not isinstance(node, dict) or len(node) != 1:
            raise NotReadable(node)
        ((operator, operands),) = node.items()
        if operator == "var":
            return self._variable(operands), PRECEDENCE["atom"]
        if operator == "in" and _is_has(operands):
            return f"has({json.dumps(operands[0], ensure_ascii=False)})", PRECEDENCE["atom"]
        if (
            operator == ">"
            and isinstance(operands, list)
            and len(operands) == 2
            and operands[1] == 0
            and _visits_ref(operands[0])
        ):
            return f"visited({self._scene(operands[0])})", PRECEDENCE["atom"]
        if operator == "!":
            operand = operands[0] if isinstance(operands, list) and len(operands) == 1 else operands
            return f"not {self._wrapped(operand, PRECEDENCE['!'])}", PRECEDENCE["!"]
        if not isinstance(operands, list):
            raise NotReadable(node)
        if operator in ("or", "and") and len(operands) >= 2:
            level = PRECEDENCE[operator]
            return f" {operator} ".join(self._wrapped(operand, level + 1) for operand in operands), level
        if operator in COMPARISONS and len(operands) == 2:
            level = PRECEDENCE["compare"]
            symbol = {"===": "==", "!==": "!="}.get(operator, operator)
            left, right = (self._wrapped(operand, level + 1) for operand in operands)
            return f"{left} {symbol} {right}", level
        if operator == "-" and len(operands) == 1:
            return f"-{self._wrapped(operands[0], PRECEDENCE['neg'])}", PRECEDENCE["neg"]
        if operator in ("+", "-", "*", "/", "%") and len(operands) >= 2 and (operator in "+*" or len(operands) == 2):
            level = PRECEDENCE[operator]
            first = self._wrapped(operands[0], level)
            rest = [self._wrapped(operand, level + 1) for operand in operands[1:]]
            return f" {operator} ".join([first, *rest]), level
        raise NotReadable(node)

    def _wrapped(self, node, level: int) -> str:
        text, own = self.expression(node)
        return f"({text})" if own < level else text

    def _variable(self, operands) -> str:
        if _visits_ref({"var": operands}):
            return f"visits({self._scene({'var': operands})})"
        if isinstance(operands, str) and operands and operands not in KEYWORDS and "." not in operands:
            return operands
        raise NotReadable({"var": operands})

    def _scene(self, reference) -> str:
        scene_id = reference["var"][0].removeprefix(f"{VISITS}.")
        return json.dumps(self.scene_title_of(scene_id), ensure_ascii=False)

    def effect(self, effect) -> str:
        if not isinstance(effect, dict) or len(effect) != 1:
            raise NotReadable(effect)
        ((operator, operands),) = effect.items()
        if operator in ("gain", "lose") and isinstance(operands, str):
            return f"{operator} {json.dumps(operands, ensure_ascii=False)}"
        if operator == "roll" and isinstance(operands, list) and len(operands) == 2:
            return f"{self._variable(operands[0])} = {parse_dice(operands[1]).notation}"
        if operator != "set" or not isinstance(operands, list) or len(operands) != 2:
            raise NotReadable(effect)
        name, value = self._variable(operands[0]), operands[1]
        reads_itself = {"var": name}
        if value == {"!": reads_itself} or value == {"!": [reads_itself]}:
            return f"toggle {name}"
        if isinstance(value, dict) and len(value) == 1:
            ((symbol, parts),) = value.items()
            if (
                symbol in "+-"
                and isinstance(parts, list)
                and len(parts) == 2
                and parts[0] == reads_itself
                and not (symbol == "+" and isinstance(parts[1], dict) and list(parts[1]) == ["+"])
            ):
                return f"{name} {symbol}= {self.expression(parts[1])[0]}"
        return f"{name} = {self.expression(value)[0]}"


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return repr(value) if isinstance(value, float) else str(value)


def _is_has(operands) -> bool:
    return (
        isinstance(operands, list)
        and len(operands) == 2
        and isinstance(operands[0], str)
        and operands[1] == {"var": ITEMS}
    )


def _visits_ref(node) -> bool:
    if not isinstance(node, dict) or list(node) != ["var"]:
        return False
    operands = node["var"]
    return (
        isinstance(operands, list)
        and len(operands) == 2
        and operands[1] == 0
        and isinstance(operands[0], str)
        and operands[0].startswith(f"{VISITS}.")
    )
