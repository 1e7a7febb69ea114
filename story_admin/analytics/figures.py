"""What authors learn from their players: the figures of one story, from real players' progress only.

Real players: progress not played through a preview link, and not the author's own. The range selects the
players who started in it (`since` included, `until` excluded); every figure is about those players.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from bson import ObjectId
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .. import selectors
from ..exceptions import NotFound, on_field
from ..models import Choice, Scenario, Scene
from ..permissions import can_edit_story
from ..story import Story
from . import pipelines


@dataclass(frozen=True)
class EndingFigure:
    scene: Scene
    count: int
    share: float | None  # of the finished players

    @property
    def percent(self) -> float | None:
        return None if self.share is None else self.share * 100


@dataclass(frozen=True)
class DropOffFigure:
    scene: Scene
    count: int
    share: float | None  # of the players who started

    @property
    def percent(self) -> float | None:
        return None if self.share is None else self.share * 100


@dataclass(frozen=True)
class ChoiceFigure:
    choice: Choice
    shown: int  # players who reached the choice's scene
    taken: int  # players who took it
    share: float | None  # taken / shown

    @property
    def percent(self) -> float | None:
        return None if self.share is None else self.share * 100


@dataclass(frozen=True)
class StoryAnalytics:
    scenario: Scenario
    since: datetime | None
    until: datetime | None
    drop_off_days: int
    started: int
    finished: int
    completion_rate: float | None
    median_seconds_to_ending: float | None
    median_scenes_visited: float | None
    endings: list[EndingFigure]
    drop_off: list[DropOffFigure]
    choices: list[ChoiceFigure]

    @property
    def has_players(self) -> bool:
        return self.started > 0

    @property
    def completion_percent(self) -> float | None:
        return None if self.completion_rate is None else self.completion_rate * 100


def ensure_can_see_analytics(user, scenario: Scenario) -> None:
    """Only the story's author (or a superuser) sees what its players do; anyone else is told it does not exist."""
    if not can_edit_story(user, scenario):
        raise NotFound(f"No story has the id “{scenario.pk}”.")


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _counts(rows: list[dict]) -> dict[str, int]:
    return {str(row["_id"]): row["count"] for row in rows if row["_id"] not in (None, "")}


def _range_key(value: datetime | None) -> str:
    return value.isoformat() if value else "-"


def player_figures(scenario: Scenario, *, since: datetime | None = None, until: datetime | None = None) -> dict:
    """The raw figures (counts by scene and choice id), one `aggregate` command, cached for
    ANALYTICS_CACHE_SECONDS under the story, its version (last change), the range and the drop-off days."""
    days = settings.ANALYTICS_DROP_OFF_DAYS
    key = ":".join(
        [
            "story-analytics",
            str(scenario.pk),
            _range_key(scenario.updated_at),
            _range_key(since),
            _range_key(until),
            str(days),
        ]
    )
    keep = settings.ANALYTICS_CACHE_SECONDS
    if keep > 0:
        cached = cache.get(key)
        if cached is not None:
            return cached
    match = pipelines.players(scenario_id=scenario.pk, author_id=scenario.author_id, since=since, until=until)
    idle_before = timezone.now() - timedelta(days=days)
    result = pipelines.run(pipelines.figures(match, idle_before=idle_before))[0]
    summary = next(iter(result["summary"]), {})
    figures = {
        "started": summary.get("started", 0),
        "finished": summary.get("finished", 0),
        "median_seconds": summary.get("median_seconds"),
        "median_scenes": summary.get("median_scenes"),
        "endings": _counts(result["endings"]),
        "drop_off": _counts(result["drop_off"]),
        "scenes_reached": _counts(result["scenes"]),
        "choices_taken": _counts(result["choices"]),
    }
    if keep > 0:
        cache.set(key, figures, keep)
    return figures


def _number(value) -> float | None:
    return None if value is None else float(value)


def story_analytics(
    *,
    user,
    scenario: Scenario,
    since: datetime | None = None,
    until: datetime | None = None,
    story: Story | None = None,
) -> StoryAnalytics:
    """The story's figures for its author (or a superuser); NotFound for anyone else."""
    ensure_can_see_analytics(user, scenario)
    if since and until and since >= until:
        raise on_field("until", "The end of the range must come after its start.")
    story = story or selectors.load_story(scenario)
    figures = player_figures(scenario, since=since, until=until)
    started, finished = figures["started"], figures["finished"]
    scenes = story.scenes_by_id

    ending_counts = figures["endings"]
    endings = [
        EndingFigure(
            scene=scene,
            count=ending_counts.get(str(scene.pk), 0),
            share=_share(ending_counts.get(str(scene.pk), 0), finished),
        )
        for scene in story.endings
    ]
    listed = {str(scene.pk) for scene in story.endings}
    # A scene players finished at but which is no ending any more (the author changed it) is still listed.
    endings += [
        EndingFigure(scene=scenes[ObjectId(scene_id)], count=count, share=_share(count, finished))
        for scene_id, count in ending_counts.items()
        if scene_id not in listed and ObjectId(scene_id) in scenes
    ]
    endings.sort(key=lambda figure: -figure.count)

    drop_off = [
        DropOffFigure(scene=scenes[ObjectId(scene_id)], count=count, share=_share(count, started))
        for scene_id, count in figures["drop_off"].items()
        if ObjectId(scene_id) in scenes
    ]
    drop_off.sort(key=lambda figure: -figure.count)

    reached, taken = figures["scenes_reached"], figures["choices_taken"]
    choices = []
    for scene in story.scenes:
        for choice in story.choices_from(scene):
            shown = reached.get(str(scene.pk), 0)
            took = taken.get(str(choice.pk), 0)
            choices.append(ChoiceFigure(choice=choice, shown=shown, taken=took, share=_share(took, shown)))

    return StoryAnalytics(
        scenario=scenario,
        since=since,
        until=until,
        drop_off_days=settings.ANALYTICS_DROP_OFF_DAYS,
        started=started,
        finished=finished,
        completion_rate=_share(finished, started),
        median_seconds_to_ending=_number(figures["median_seconds"]),
        median_scenes_visited=_number(figures["median_scenes"]),
        endings=endings,
        drop_off=drop_off,
        choices=choices,
    )


def drop_off_by_scene(
    *, user, scenario: Scenario, since: datetime | None = None, until: datetime | None = None
) -> dict[ObjectId, int]:
    """For the story map's heatmap: how many players stopped at each scene (scenes no one stopped at are absent)."""
    ensure_can_see_analytics(user, scenario)
    return {
        ObjectId(scene_id): count
        for scene_id, count in player_figures(scenario, since=since, until=until)["drop_off"].items()
    }
