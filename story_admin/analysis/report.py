"""One analysis of a story: its exploration, each ending (reachable, chance, witness path, lengths), the
problems only state shows, and the coverage of seeded random playthroughs."""

import math
import statistics
from dataclasses import dataclass, field

from django.conf import settings

from ..state.schema import schema_of
from ..story import Story
from .chain import ending_probabilities, median_steps
from .explore import DEFAULT_MAX_SECONDS, DEFAULT_MAX_STATES, Exploration, explore
from .playthroughs import DEFAULT_PLAYTHROUGHS, Coverage, play_randomly
from .problems import state_problems


@dataclass
class PathStep:
    scene: object
    choice: object | None  # None for the start
    state: dict  # the state document after this step


@dataclass
class EndingResult:
    scene: object
    reachable: bool
    probability: float | None
    probability_error: float  # 0 when exact; else the 95 % margin of the playthroughs' estimate
    exact: bool
    min_steps: int | None
    median_steps: float | None
    path: list[PathStep] = field(default_factory=list)

    @property
    def choice_ids(self) -> list:
        return [step.choice.pk for step in self.path if step.choice is not None]


@dataclass
class Analysis:
    story: Story
    exploration: Exploration
    endings: list[EndingResult]
    problems: list
    coverage: Coverage | None

    @property
    def complete(self) -> bool:
        return self.exploration.complete

    @property
    def states_explored(self) -> int:
        return self.exploration.states_explored

    @property
    def summary(self) -> str:
        if self.complete:
            return f"complete: {self.states_explored} states explored"
        return self.exploration.stopped_reason

    def unreached_scenes(self) -> list:
        if self.coverage is None:
            return []
        return [scene for scene in self.story.scenes if not self.coverage.scene_visits[scene.pk]]


def limits() -> tuple[int, float]:
    return (
        getattr(settings, "ANALYSIS_MAX_STATES", DEFAULT_MAX_STATES),
        getattr(settings, "ANALYSIS_MAX_SECONDS", DEFAULT_MAX_SECONDS),
    )


def analyse(
    story: Story,
    *,
    max_states: int | None = None,
    max_seconds: float | None = None,
    playthroughs: int | None = None,
    seed: int = 0,
    progress=None,
) -> Analysis:
    default_states, default_seconds = limits()
    schema = schema_of(story.scenario)
    exploration = explore(
        story,
        schema=schema,
        max_states=max_states or default_states,
        max_seconds=max_seconds or default_seconds,
        progress=progress,
    )
    players = getattr(settings, "ANALYSIS_PLAYTHROUGHS", DEFAULT_PLAYTHROUGHS) if playthroughs is None else playthroughs
    coverage = play_randomly(story, players=players, seed=seed, schema=schema) if players else None
    return Analysis(
        story=story,
        exploration=exploration,
        endings=_endings(story, exploration, coverage),
        problems=state_problems(story, exploration),
        coverage=coverage,
    )


def _endings(story: Story, exploration: Exploration, coverage: Coverage | None) -> list[EndingResult]:
    endings = story.endings
    first = {}
    for node in exploration.nodes:
        if node.scene.is_end_scene and node.scene.pk not in first:
            first[node.scene.pk] = node
    exact = exploration.complete
    probabilities = ending_probabilities(exploration, endings) if exact else {}
    medians = median_steps(exploration, endings) if exact else {}
    results = []
    for ending in endings:
        node = first.get(ending.pk)
        error = 0.0
        if exact:
            probability, median = probabilities[ending.pk], medians[ending.pk]
        elif coverage is not None and coverage.players:
            probability = coverage.endings[ending.pk] / coverage.players
            error = 1.96 * math.sqrt(max(probability * (1 - probability), 0.25 / coverage.players) / coverage.players)
            lengths = coverage.lengths.get(ending.pk)
            median = float(statistics.median(lengths)) if lengths else None
        else:
            probability, median = None, None
        path = []
        if node is not None:
            path = [
                PathStep(scene=step.scene, choice=step.via, state=step.state.document())
                for step in exploration.path_to(node.index)
            ]
        results.append(
            EndingResult(
                scene=ending,
                reachable=node is not None or bool(coverage and coverage.endings[ending.pk]),
                probability=probability,
                probability_error=error,
                exact=exact,
                min_steps=node.depth if node is not None else None,
                median_steps=median,
                path=path,
            )
        )
    return results
