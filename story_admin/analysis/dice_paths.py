"""Every outcome of a step that rolls dice, found by running the engine's own step with scripted dice.

The engine rolls through `rng.randint(low, high)`; a `ScriptedDice` answers from a fixed prefix of faces and
then the lowest face, recording each new call, so replaying every prefix enumerates every sequence of faces
with its exact probability, without a copy of the engine's rules.
"""

from fractions import Fraction


class ScriptedDice:
    def __init__(self, prefix: list[int]):
        self.prefix = prefix
        self.calls: list[tuple[int, int]] = []

    def randint(self, low: int, high: int) -> int:
        index = len(self.calls)
        self.calls.append((low, high))
        return self.prefix[index] if index < len(self.prefix) else low


def every_outcome(step):
    """`(probability, result)` for each sequence of faces `step(rng)` can roll (one, of probability 1, without dice)."""
    pending = [[]]
    while pending:
        prefix = pending.pop()
        dice = ScriptedDice(prefix)
        result = step(dice)
        probability = Fraction(1)
        for low, high in dice.calls:
            probability /= high - low + 1
        faces = list(prefix)
        for index in range(len(prefix), len(dice.calls)):
            low, high = dice.calls[index]
            pending.extend([*faces, face] for face in range(low + 1, high + 1))
            faces.append(low)
        yield probability, result
