"""SugarCube's and Harlowe's expression languages, the simple part: read into our JSON Logic, written back.

Read with lark (the grammar our own expression language uses too; an LALR parser, so a long expression
costs time in proportion to its length). What it reads:
- values: `$gold`, numbers, "texts" and 'texts', true/false, `+ - * / %`, parentheses;
- comparisons: `>= <= > < == === != !==`, SugarCube's `is isnot eq neq gt gte lt lte`, Harlowe's `is`,
  `is not`; `and or not` (and `&& || !`);
- dice: SugarCube's `random(a, b)` / `random(max)`, Harlowe's `(random: a, b)`, and sums of them with whole
  numbers, as the whole value given to a variable (a roll effect);
- the inventory: the Twine variable `$items` holds our items — SugarCube `$items.includes("key")`,
  `$items.pushUnique("key")`, `$items.delete("key")`; Harlowe `$items contains "key"`,
  `(set: $items to it + (ds: "key"))` / `it - (ds: "key")`;
- visits: SugarCube `visited("Passage")`; Harlowe `(history:) contains "Passage"`, `(visited: "Passage")`,
  `(count: (history:), "Passage")`;
- statements (`<<set>>`, `(set:)`, `(put:)`, setter links): `$x to …`, `$x = …`, `$x += …`, `$x -= …`,
  `… into $x`, Harlowe's `it`, several separated by `,` or `;`.
Anything else raises `NotSimple`: the caller keeps the macro as text and reports it.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from lark import Lark, Token, Transformer, UnexpectedInput
from lark.exceptions import VisitError

from ..state.dice import parse_dice
from ..state.expressions import ITEMS, VISITS, Literals, flatten

SUGARCUBE, HARLOWE = "sugarcube", "harlowe"
ITEMS_VARIABLE = "items"  # `$items`: the inventory, in both story formats

GRAMMAR = r"""
start_expr: expr
start_statements: statement ((";" | ",") statement)* ";"?

statement: VAR ASSIGN expr                     -> assign
         | VAR "+=" expr                       -> increase
         | VAR "-=" expr                       -> decrease
         | expr "into"i VAR                    -> put
         | VAR "." "pushUnique" "(" STRING ")" -> gain
         | VAR "." "delete" "(" STRING ")"     -> lose

?expr: or_
?or_: and_ | or_ OR and_                       -> or_op
?and_: not_ | and_ AND not_                    -> and_op
?not_: compare | NOT not_                      -> not_op
?compare: sum | sum COMPARE sum                -> comparison
        | sum "contains"i sum                  -> contains
?sum: product | sum ADDITIVE product           -> arithmetic
?product: unary | product MULTIPLICATIVE unary -> arithmetic
?unary: atom | "-" unary                       -> negative
?atom: NUMBER                                  -> number
     | STRING                                  -> text
     | "true"                                  -> true
     | "false"                                 -> false
     | "it"i                                   -> it
     | VAR                                     -> variable
     | VAR "." "includes" "(" STRING ")"       -> includes
     | "visited" "(" STRING ")"                -> visits
     | "random" "(" integer ("," integer)? ")" -> random
     | H_RANDOM integer "," integer ")"        -> random
     | H_DATASET (STRING ("," STRING)*)? ")"   -> dataset
     | "[" "]"                                 -> dataset
     | H_HISTORY                               -> history
     | H_VISITED STRING ")"                    -> visited
     | H_COUNT H_HISTORY "," STRING ")"        -> visits
     | "(" expr ")"

integer: SIGNED_INT

ASSIGN: "to"i | "="
OR: "or"i | "||"
AND: "and"i | "&&"
NOT: "not"i | "!"
COMPARE.2: ">=" | "<=" | "===" | "==" | "!==" | "!=" | ">" | "<" | /is\s+not\b/i | /isnot\b/i | /is\b/i
         | /eq\b/i | /neq\b/i | /gte\b/i | /lte\b/i | /gt\b/i | /lt\b/i
ADDITIVE: "+" | "-"
MULTIPLICATIVE: "*" | "/" | "%"
VAR: /[$_][^\W\d]\w*/
NUMBER: /\d+(\.\d+)?/
SIGNED_INT: /-?\d+/
STRING: /"(\\.|[^"\\])*"/ | /'(\\.|[^'\\])*'/
H_RANDOM: /\(\s*random\s*:/i
H_DATASET: /\(\s*(ds|dataset)\s*:/i
H_HISTORY: /\(\s*history\s*:\s*\)/i
H_VISITED: /\(\s*visited\s*:/i
H_COUNT: /\(\s*count\s*:/i

%ignore /\s+/
"""

_PARSER = Lark(GRAMMAR, start=["start_expr", "start_statements"], parser="lalr")

COMPARISONS = {
    "is": "==",
    "eq": "==",
    "==": "==",
    "===": "==",
    "isnot": "!=",
    "neq": "!=",
    "!=": "!=",
    "!==": "!=",
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
    ">": ">",
    ">=": ">=",
    "<": "<",
    "<=": "<=",
}


class NotSimple(ValueError):
    """Twine script outside the simple part this studio turns into state."""


@dataclass(frozen=True)
class _Roll:
    """Dice met in an expression: (count, sides, sign) terms and a constant."""

    terms: tuple = ()
    constant: int = 0

    def notation(self) -> str:
        counts: dict[tuple[int, int], int] = {}
        for count, sides, sign in self.terms:  # random(1, 6) + random(1, 6) is 2d6
            counts[(sides, sign)] = counts.get((sides, sign), 0) + count
        parts = [f"{'-' if sign < 0 else '+'}{count}d{sides}" for (sides, sign), count in counts.items()]
        if self.constant:
            parts.append(f"{self.constant:+d}")
        return parse_dice("".join(parts).removeprefix("+")).notation


@dataclass(frozen=True)
class _DataSet:
    names: tuple = ()


class _It:
    """Harlowe's `it`: the variable being set."""


class _History:
    """Harlowe's `(history:)`."""


SceneIdOf = Callable[[str], str]


class _ToJsonLogic(Literals, Transformer):
    unquote = staticmethod(lambda token: _unquoted(token))
    operand = staticmethod(lambda child: _plain(child))

    def __init__(self, scene_id_of: SceneIdOf, temporaries: frozenset[str] = frozenset()):
        super().__init__()
        self.scene_id_of, self.temporaries = scene_id_of, temporaries

    def _name(self, token) -> str:
        """`$gold` is the variable `gold`; a temporary `_roll` is the hidden variable `_roll`, and only where
        the caller found it faithful (`temporaries`): elsewhere it is not simple."""
        text = str(token)
        if text.startswith("$"):
            return text[1:]
        if text not in self.temporaries:
            raise NotSimple(f"the temporary variable {text}")
        return text

    def start_expr(self, children):
        return _plain(children[0])

    def start_statements(self, children):
        return list(children)

    # Statements: each becomes one of our effects (or the inventory's reset, kept apart by the caller).
    def assign(self, children):
        name, _, value = children
        return _assignment(self._name(name), value)

    def increase(self, children):
        name = self._name(children[0])
        return {"set": [name, {"+": [{"var": name}, _plain(_with_it(children[1], name))]}]}

    def decrease(self, children):
        name = self._name(children[0])
        return {"set": [name, {"-": [{"var": name}, _plain(_with_it(children[1], name))]}]}

    def put(self, children):
        value, name = children
        return _assignment(self._name(name), value)

    def gain(self, children):
        _inventory(children[0])
        return {"gain": _unquoted(children[1])}

    def lose(self, children):
        _inventory(children[0])
        return {"lose": _unquoted(children[1])}

    # Expressions.
    def or_op(self, children):
        return {"or": flatten("or", [_truthy(children[0]), _truthy(children[2])])}

    def and_op(self, children):
        return {"and": flatten("and", [_truthy(children[0]), _truthy(children[2])])}

    def not_op(self, children):
        return {"!": children[1] if isinstance(children[1], _It) else _truthy(children[1])}

    def comparison(self, children):
        left, operator, right = children
        symbol = COMPARISONS.get(" ".join(str(operator).lower().split()).replace("is not", "isnot"))
        return {symbol: [_plain(left), _plain(right)]}

    def contains(self, children):
        container, needle = children
        if isinstance(container, _History) and isinstance(needle, str):
            return self.visited([needle])
        if container == {"var": ITEMS_VARIABLE} and isinstance(needle, str):
            return {"in": [needle, {"var": ITEMS}]}
        raise NotSimple("contains")

    def arithmetic(self, children):
        left, operator, right = children
        operator = str(operator)
        if isinstance(left, _Roll) or isinstance(right, _Roll):
            return _dice_sum(left, operator, right)
        if isinstance(left, _It):
            return ("it", operator, right)
        if isinstance(left, _DataSet) or isinstance(right, _DataSet):
            raise NotSimple("arithmetic")
        if operator in "+*":
            return {operator: flatten(operator, [_plain(left), _plain(right)])}
        return {operator: [_plain(left), _plain(right)]}

    def integer(self, children):
        return int(children[0])

    def it(self, children):
        return _It()

    def variable(self, children):
        return {"var": self._name(children[0])}

    def includes(self, children):
        _inventory(children[0])
        return {"in": [_unquoted(children[1]), {"var": ITEMS}]}

    def visits(self, children):
        title = children[-1]
        return {"var": [f"{VISITS}.{self.scene_id_of(_unquoted(title) if isinstance(title, Token) else title)}", 0]}

    def visited(self, children):
        return {">": [self.visits(children), 0]}

    def random(self, children):
        numbers = [child for child in children if isinstance(child, int)]
        low, high = (0, numbers[0]) if len(numbers) == 1 else numbers
        if high - low + 1 < 2:
            raise NotSimple("random")
        return _Roll(terms=((1, high - low + 1, 1),), constant=low - 1)

    def dataset(self, children):
        return _DataSet(tuple(_unquoted(child) for child in children if getattr(child, "type", "") == "STRING"))

    def history(self, children):
        return _History()


def _assignment(name: str, value) -> dict:
    if isinstance(value, _Roll):
        return {"roll": [name, value.notation()]}
    if name == ITEMS_VARIABLE:
        if isinstance(value, _DataSet) and not value.names:
            return {"reset_items": True}
        if (
            isinstance(value, tuple)
            and value[0] == "it"
            and isinstance(value[2], _DataSet)
            and len(value[2].names) == 1
            and value[1] in "+-"
        ):
            return {"gain" if value[1] == "+" else "lose": value[2].names[0]}
        raise NotSimple("items")
    return {"set": [name, _plain(_with_it(value, name))]}


def _with_it(value, name: str):
    """`value` with Harlowe's `it` read as the variable being set."""
    if isinstance(value, _It):
        return {"var": name}
    if isinstance(value, tuple) and value and value[0] == "it":
        _, operator, right = value
        right = _plain(right)
        return (
            {operator: flatten(operator, [{"var": name}, right])}
            if operator in "+*"
            else {operator: [{"var": name}, right]}
        )
    if isinstance(value, dict):
        return {key: _with_it(operands, name) for key, operands in value.items()}
    if isinstance(value, list):
        return [_with_it(operand, name) for operand in value]
    return value


def _plain(value):
    """A JSON Logic value, refusing what only makes sense in a statement (dice, datasets, history)."""
    if isinstance(value, (_Roll, _DataSet, _History)):
        raise NotSimple("value")
    return value  # `it` and `it + …` pass: the statement that owns them resolves them


def _truthy(value):
    """A visit count where a truth value is expected (`<<if visited("Cave")>>`) means "visited at least once"."""
    value = _plain(value)
    if isinstance(value, dict) and isinstance(value.get("var"), list):
        return {">": [value, 0]}
    return value


def _dice_sum(left, operator: str, right) -> _Roll:
    def as_roll(value, sign: int) -> _Roll:
        if isinstance(value, _Roll):
            return _Roll(
                tuple((count, sides, term_sign * sign) for count, sides, term_sign in value.terms),
                value.constant * sign,
            )
        if isinstance(value, int) and not isinstance(value, bool):
            return _Roll((), value * sign)
        raise NotSimple("dice")

    if operator not in "+-":
        raise NotSimple("dice")
    first, second = as_roll(left, 1), as_roll(right, -1 if operator == "-" else 1)
    return _Roll(first.terms + second.terms, first.constant + second.constant)


def _inventory(token) -> None:
    if str(token) != f"${ITEMS_VARIABLE}":
        raise NotSimple("array")


def _unquoted(token) -> str:
    text = str(token)
    if text.startswith("'"):
        text = '"' + text[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
    return json.loads(text)


def _parsed(source: str, start: str, scene_id_of: SceneIdOf, temporaries: frozenset[str]):
    try:
        tree = _PARSER.parse(source, start=start)
        return _ToJsonLogic(scene_id_of, temporaries).transform(tree)
    except UnexpectedInput:
        raise NotSimple(source) from None
    except VisitError as error:
        if isinstance(error.orig_exc, (NotSimple, LookupError, ValueError)):
            raise NotSimple(source) from None
        raise


def read_condition(source: str, *, scene_id_of: SceneIdOf, temporaries: frozenset[str] = frozenset()) -> dict:
    """The JSON Logic of a Twine condition (`$gold gte 10`, `$key is true`); raises NotSimple. A temporary
    variable (`_roll`) is read only if named in `temporaries`."""
    condition = _truthy(_parsed(source, "start_expr", scene_id_of, temporaries))
    if not isinstance(condition, dict) or not condition:  # `<<if true>>`, `it`…: no condition of a choice
        raise NotSimple(source)
    return condition


def read_statements(source: str, *, scene_id_of: SceneIdOf, temporaries: frozenset[str] = frozenset()) -> list[dict]:
    """Our effects for Twine statements (`$gold to 10, $key to true`); `{"reset_items": True}` stands for
    `$items to []` / `(ds:)`, which only StoryInit or a startup passage may hold. Raises NotSimple."""
    return _parsed(source, "start_statements", scene_id_of, temporaries)


# Writing back ---------------------------------------------------------------

SceneTitleOf = Callable[[str], str]


class ScriptWriter:
    """Our conditions and effects in one story format's own words, which `read_*` reads back the same."""

    def __init__(self, dialect: str, scene_title_of: SceneTitleOf, temporaries: frozenset[str] = frozenset()):
        self.dialect, self.scene_title_of = dialect, scene_title_of
        self.temporaries = temporaries  # variables written as the story format's temporaries (`_roll`)

    def reference(self, name: str) -> str:
        return name if name in self.temporaries else f"${name}"

    @property
    def harlowe(self) -> bool:
        return self.dialect == HARLOWE

    def condition(self, node) -> str:
        return self._expression(node, top=True)

    def _expression(self, node, *, top: bool = False) -> str:  # noqa: PLR0911 - one branch per construct
        if isinstance(node, bool):
            return "true" if node else "false"
        if isinstance(node, (int, float)):
            return str(int(node)) if isinstance(node, float) and node.is_integer() else str(node)
        if isinstance(node, str):
            return json.dumps(node, ensure_ascii=False)
        ((operator, operands),) = node.items()
        if operator == "var":
            if isinstance(operands, list):
                title = self._title(operands)
                return f"(count: (history:), {title})" if self.harlowe else f"visited({title})"
            return self.reference(operands)
        if operator == "in":
            item = json.dumps(operands[0], ensure_ascii=False)
            return f"${ITEMS_VARIABLE} contains {item}" if self.harlowe else f"${ITEMS_VARIABLE}.includes({item})"
        if (
            operator == ">"
            and self.harlowe
            and isinstance(operands[0], dict)
            and isinstance(operands[0].get("var"), list)
            and operands[1] == 0
        ):
            return f"(history:) contains {self._title(operands[0]['var'])}"
        if operator == "!":
            operand = operands[0] if isinstance(operands, list) and len(operands) == 1 else operands
            text = f"not {self._expression(operand)}"
        elif operator == "-" and len(operands) == 1:
            text = f"-{self._expression(operands[0])}"
        else:
            symbol = {
                "==": "is",
                "===": "is",
                "!=": "is not" if self.harlowe else "isnot",
                "!==": "is not" if self.harlowe else "isnot",
            }.get(operator, operator)
            text = f" {symbol} ".join(self._expression(operand) for operand in operands)
        return text if top else f"({text})"

    def _title(self, reference) -> str:
        return json.dumps(self.scene_title_of(reference[0].removeprefix(f"{VISITS}.")), ensure_ascii=False)

    def statement(self, effect) -> str:
        """One effect as a Twine statement (`$gold += 5`; Harlowe `$gold to it + 5`)."""
        ((operator, operands),) = effect.items()
        if operator in ("gain", "lose"):
            item = json.dumps(operands, ensure_ascii=False)
            if self.harlowe:
                return f"${ITEMS_VARIABLE} to it {'+' if operator == 'gain' else '-'} (ds: {item})"
            return f"${ITEMS_VARIABLE}.{'pushUnique' if operator == 'gain' else 'delete'}({item})"
        name, value = operands
        variable = self.reference(name)
        if operator == "roll":
            return f"{variable} to {self._dice(value)}"
        reads_itself = {"var": name}
        if isinstance(value, dict) and len(value) == 1:
            ((symbol, parts),) = value.items()
            if symbol in "+-" and isinstance(parts, list) and len(parts) >= 2 and parts[0] == reads_itself:
                rest = parts[1] if len(parts) == 2 else {symbol: parts[1:]} if symbol == "+" else None
                if rest is not None:
                    if self.harlowe:
                        return f"{variable} to it {symbol} {self._expression(rest)}"
                    return f"{variable} {symbol}= {self._expression(rest)}"
            if symbol == "!" and parts in (reads_itself, [reads_itself]):
                return f"{variable} to not {'it' if self.harlowe else variable}"
        return f"{variable} to {self._expression(value, top=True)}"

    def _dice(self, notation: str) -> str:
        dice = parse_dice(notation)
        parts = []
        for term in dice.terms:
            one = f"(random: 1, {term.sides})" if self.harlowe else f"random(1, {term.sides})"
            parts += [("- " if term.sign < 0 else "+ ") + one] * term.count
        if dice.constant:
            parts.append(f"{'-' if dice.constant < 0 else '+'} {abs(dice.constant)}")
        return " ".join(parts).removeprefix("+ ")

    def initial(self, name: str, value) -> str:
        return f"${name} to {self._expression(value, top=True)}"
