"""Dice notation (`2d6`, `1d6+2`, `d20-1`, `2d6+1d4`), parsed with lark and rolled from a seeded generator.

A player's rolls must be reproducible from the seed kept on their progress, and the proofing explores
every outcome, so a roll is a sum of dice and whole numbers whose exact distribution is known. (The
`d20` package was the first candidate: it rolls with the process-wide `random` module and pins
`lark-parser` 0.9, which installs into the same `lark` package as lark 1.x.)
"""

import random
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, cached_property

from lark import Lark, UnexpectedInput

from ..exceptions import StoryRuleError

DICE_GRAMMAR = r"""
start: signed_term (SIGN term)*
signed_term: SIGN? term
term: COUNT? "d"i SIDES -> dice
    | COUNT             -> constant
SIGN: "+" | "-"
COUNT: /\d+/
SIDES: /\d+/
%ignore /[ \t]+/
"""
_DICE_PARSER = Lark(DICE_GRAMMAR, parser="lalr")

MAX_DICE = 20
MAX_SIDES = 100


@dataclass(frozen=True)
class DiceTerm:
    count: int
    sides: int
    sign: int = 1


@dataclass(frozen=True)
class Dice:
    """`notation` as written (normalised), its dice and its constant."""

    notation: str
    terms: tuple[DiceTerm, ...]
    constant: int = 0

    def roll(self, rng: random.Random) -> int:
        return self.constant + sum(
            term.sign * sum(rng.randint(1, term.sides) for _ in range(term.count)) for term in self.terms
        )

    @property
    def lowest(self) -> int:
        return min(self.outcomes)

    @property
    def highest(self) -> int:
        return max(self.outcomes)

    @cached_property
    def outcomes(self) -> dict[int, Fraction]:
        """Every total this roll can give, with its exact probability."""
        totals = Counter({self.constant: 1})
        for term in self.terms:
            for _ in range(term.count):
                step = Counter()
                for total, ways in totals.items():
                    for face in range(1, term.sides + 1):
                        step[total + term.sign * face] += ways
                totals = step
        every = sum(totals.values())
        return {total: Fraction(ways, every) for total, ways in sorted(totals.items())}


@cache
def parse_dice(notation: str) -> Dice:
    """A `Dice` from notation such as `2d6+1`; a clear refusal for anything else (kept once parsed: a roll is
    checked and rolled at every step of every player)."""
    text = (notation or "").strip()
    try:
        tree = _DICE_PARSER.parse(text)
    except UnexpectedInput:
        raise StoryRuleError(
            f"“{notation}” is not dice notation: write it like 2d6, 1d6+2 or d20-1 (sums of dice and whole numbers)."
        ) from None
    terms, constant, sign = [], 0, 1
    for child in tree.children:
        if getattr(child, "type", None) == "SIGN":
            sign = -1 if child == "-" else 1
            continue
        term = child.children[-1] if child.data == "signed_term" else child
        if child.data == "signed_term" and len(child.children) == 2:
            sign = -1 if child.children[0] == "-" else 1
        numbers = [int(token) for token in term.children]
        if term.data == "constant":
            constant += sign * numbers[0]
        else:
            count, sides = numbers if len(numbers) == 2 else [1, *numbers]
            if not 1 <= count <= MAX_DICE or not 2 <= sides <= MAX_SIDES:
                raise StoryRuleError(f"“{notation}”: roll 1 to {MAX_DICE} dice of 2 to {MAX_SIDES} sides at a time.")
            terms.append(DiceTerm(count=count, sides=sides, sign=sign))
        sign = 1
    if not terms:
        raise StoryRuleError(f"“{notation}” rolls no dice: write it like 2d6 or 1d6+2.")
    return Dice(notation=_normalised(terms, constant), terms=tuple(terms), constant=constant)


def _normalised(terms: list[DiceTerm], constant: int) -> str:
    parts = [f"{'-' if term.sign < 0 else '+'}{term.count}d{term.sides}" for term in terms]
    if constant:
        parts.append(f"{constant:+d}")
    return "".join(parts).removeprefix("+")
