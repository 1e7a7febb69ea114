"""The explored (scene, state) graph as a Markov chain: a player picks uniformly among the available choices,
dice give their exact odds. Ending nodes absorb; so do nodes with no available choice (stuck)."""

import numpy as np

from .explore import Exploration

DENSE_LIMIT = 2500  # transient nodes solved exactly with one dense linear solve
MAX_STEPS = 5000  # forward steps for the distribution of lengths
SETTLED = 1e-12


def edges(exploration: Exploration) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sources, targets, weights = [], [], []
    for node in exploration.nodes:
        if node.scene.is_end_scene or not node.moves:
            continue
        share = 1.0 / len(node.moves)
        for _choice, outcomes in node.moves:
            for probability, target in outcomes:
                sources.append(node.index)
                targets.append(target)
                weights.append(share * probability)
    return np.array(sources, dtype=np.int64), np.array(targets, dtype=np.int64), np.array(weights, dtype=float)


def ending_probabilities(exploration: Exploration, endings: list) -> dict:
    """For each ending scene id, the probability a uniform player ends there (exact when solved densely)."""
    nodes = exploration.nodes
    count = len(nodes)
    if not count or not endings:
        return {ending.pk: 0.0 for ending in endings}
    column = {ending.pk: position for position, ending in enumerate(endings)}
    absorbed = np.zeros((count, len(endings)))
    for node in nodes:
        if node.scene.is_end_scene and node.scene.pk in column:
            absorbed[node.index, column[node.scene.pk]] = 1.0
    sources, targets, weights = edges(exploration)
    # Only nodes from which an ending can still be reached: the others end nowhere (a loop no player leaves
    # would make the system singular), so their chance of each ending is 0.
    hopeful = _reaching_an_ending(exploration, sources, targets)
    keep = hopeful[sources]
    sources, targets, weights = sources[keep], targets[keep], weights[keep]
    transient = np.array(sorted(set(sources.tolist())), dtype=np.int64)
    if len(transient) and len(transient) <= DENSE_LIMIT:
        position = -np.ones(count, dtype=np.int64)
        position[transient] = np.arange(len(transient))
        matrix = np.eye(len(transient))
        right = np.zeros((len(transient), len(endings)))
        inner = position[targets] >= 0
        np.add.at(matrix, (position[sources[inner]], position[targets[inner]]), -weights[inner])
        np.add.at(right, position[sources[~inner]], weights[~inner, None] * absorbed[targets[~inner]])
        solved = np.linalg.solve(matrix, right)
        values = absorbed.copy()
        values[transient] = solved
    else:
        values = absorbed.copy()
        for _ in range(MAX_STEPS * 10):
            updated = absorbed.copy()
            np.add.at(updated, sources, weights[:, None] * values[targets])
            change = np.abs(updated - values).max()
            values = updated
            if change < SETTLED:
                break
    total = np.zeros(len(endings))
    for probability, index in exploration.start:
        if index is not None:
            total += probability * values[index]
    return {ending.pk: float(min(max(total[column[ending.pk]], 0.0), 1.0)) for ending in endings}


def _reaching_an_ending(exploration: Exploration, sources, targets) -> np.ndarray:
    count = len(exploration.nodes)
    hopeful = np.zeros(count, dtype=bool)
    before: dict[int, list[int]] = {}
    for source, target in zip(sources.tolist(), targets.tolist(), strict=True):
        before.setdefault(target, []).append(source)
    pending = [node.index for node in exploration.nodes if node.scene.is_end_scene]
    hopeful[pending] = True
    while pending:
        for source in before.get(pending.pop(), ()):
            if not hopeful[source]:
                hopeful[source] = True
                pending.append(source)
    return hopeful


def median_steps(exploration: Exploration, endings: list) -> dict:
    """For each ending scene id, the median number of choices among players who end there (None if none do)."""
    count = len(exploration.nodes)
    if not count:
        return {ending.pk: None for ending in endings}
    ending_nodes = {
        ending.pk: np.array([node.index for node in exploration.nodes if node.scene.pk == ending.pk], dtype=np.int64)
        for ending in endings
    }
    sources, targets, weights = edges(exploration)
    mass = np.zeros(count)
    for probability, index in exploration.start:
        if index is not None:
            mass[index] += probability
    by_step = {ending.pk: [] for ending in endings}
    for _step in range(MAX_STEPS):
        for ending in endings:
            indexes = ending_nodes[ending.pk]
            by_step[ending.pk].append(float(mass[indexes].sum()) if len(indexes) else 0.0)
        moving = mass[sources] * weights
        if not len(moving) or moving.sum() < SETTLED:
            break
        mass = np.bincount(targets, weights=moving, minlength=count)
    medians = {}
    for ending in endings:
        series = np.array(by_step[ending.pk])
        total = series.sum()
        if total <= 0:
            medians[ending.pk] = None
            continue
        cumulative = np.cumsum(series) / total
        below = int(np.searchsorted(cumulative, 0.5 - 1e-12))
        # an even split between two lengths (exactly half at `below`) has the mean of the two as its median
        if abs(cumulative[below] - 0.5) < 1e-9 and below + 1 < len(series):
            following = below + 1 + int(np.argmax(series[below + 1 :] > 0))
            medians[ending.pk] = (below + following) / 2
        else:
            medians[ending.pk] = float(below)
    return medians
