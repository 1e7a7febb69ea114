"""What authors learn from their players: the figures of one story, from real players' progress only.

Real players: progress not played through a preview link, and not the author's own. The range selects the
players who started in it (`since` included, `until` excluded); every figure is about those players.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from bson import ObjectId
from django.conf import settings
from django.utils import timezone

from .. import background, selectors
from ..background import Kept
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
    computed_at: datetime  # when the figures were counted (they are kept ANALYTICS_CACHE_SECONDS)

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


def _key(scenario: Scenario, since: datetime | None, until: datetime | None) -> str:
    """The story, its version (last change), the range and the drop-off days."""
    parts = [str(scenario.pk), _range_key(scenario.updated_at), _range_key(since), _range_key(until)]
    return ":".join(["story-analytics", *parts, str(settings.ANALYTICS_DROP_OFF_DAYS)])


def _lower_median(values: list) -> float | None:
    """A value of the set; for an even count the lower of the two middles (None values left out)."""
    present = sorted(value for value in values if value is not None)
    return present[(len(present) - 1) // 2] if present else None


def _added(results: list[dict]) -> dict:
    """The figures of the players of every `$facet` result (one per slice, or one for all), as kept in Redis."""
    summaries = [row for result in results for row in result["summary"]]
    seconds = [value for row in summaries for value in row["seconds"]]
    scene_counts = [value for row in summaries for value in row["scene_counts"]]

    def counts(branch: str) -> dict[str, int]:
        total = Counter()
        for result in results:
            total.update(_counts(result[branch]))
        return dict(total)

    return {
        "started": sum(row["started"] for row in summaries),
        "finished": sum(row["finished"] for row in summaries),
        "median_seconds": _lower_median(seconds),
        "median_scenes": _lower_median(scene_counts),
        "endings": counts("endings"),
        "drop_off": counts("drop_off"),
        "scenes_reached": counts("scenes"),
        "choices_taken": counts("choices"),
        "computed_at": timezone.now().isoformat(),
    }


def _pipeline_parts(scenario: Scenario, since: datetime | None, until: datetime | None):
    match = pipelines.players(scenario_id=scenario.pk, author_id=scenario.author_id, since=since, until=until)
    return match, timezone.now() - timedelta(days=settings.ANALYTICS_DROP_OFF_DAYS)


def _computed(scenario: Scenario, since: datetime | None, until: datetime | None) -> dict:
    """All the figures at once: one `aggregate` command."""
    match, idle_before = _pipeline_parts(scenario, since, until)
    return _added(pipelines.run(pipelines.figures(match, idle_before=idle_before)))


def player_figures(
    scenario: Scenario,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    in_background: bool | None = None,
) -> Kept:
    """The raw figures (counts by scene and choice id), kept ANALYTICS_CACHE_SECONDS in Redis (0: computed each
    time, never by a job). Not kept yet: computed now, or (`in_background`; by default when the story has
    ANALYTICS_JOB_PLAYERS progress documents or more in the range) by a job, whose progress is returned."""
    keep = settings.ANALYTICS_CACHE_SECONDS
    if keep <= 0:
        return Kept(value=_computed(scenario, since, until))
    key = _key(scenario, since, until)

    def many_players() -> bool:
        match, _idle_before = _pipeline_parts(scenario, since, until)
        return pipelines.at_least(match, settings.ANALYTICS_JOB_PLAYERS)

    if in_background is None:
        cached = background.connection().get(key)  # the common case answers without counting the players
        in_background = cached is None and many_players()
    return background.kept(
        key,
        compute=lambda: _computed(scenario, since, until),
        in_background=in_background,
        job=count_players,
        job_args=(str(scenario.pk), _range_key(since), _range_key(until)),
        keep_seconds=keep,
    )


def count_players(scenario_id: str, since: str, until: str, key: str) -> None:
    """The job: the figures slice by slice of ANALYTICS_JOB_SLICE players, kept under the key they were asked for."""
    report = background.JobReport(key)
    scenario = Scenario.objects.filter(pk=selectors.parse_object_id(scenario_id, what="story")).first()
    if scenario is None:
        report.abandoned()
        return
    moments = [None if value == "-" else datetime.fromisoformat(value) for value in (since, until)]
    try:
        match, idle_before = _pipeline_parts(scenario, *moments)
        parts = pipelines.slices(match, settings.ANALYTICS_JOB_SLICE)
        total, done, results = sum(len(part) for part in parts), 0, []
        report.progress(0, total)
        for part in parts:
            results.append(pipelines.run(pipelines.figures(pipelines.in_slice(match, part), idle_before=idle_before)))
            done += len(part)
            report.progress(done)
        figures = _added([result for slice_results in results for result in slice_results])
    except Exception as error:
        report.failed(f"Counting the players failed: {error}")
        raise
    report.finished(figures, keep_seconds=settings.ANALYTICS_CACHE_SECONDS)


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
    """The story's figures for its author (or a superuser), kept ones or computed now; NotFound for anyone else."""
    ensure_can_see_analytics(user, scenario)
    _check_range(since, until)
    figures = player_figures(scenario, since=since, until=until, in_background=False).value
    return _analytics(scenario, figures, since=since, until=until, story=story)


@dataclass(frozen=True)
class AnalyticsState:
    """The Players page's answer: the figures, or how far the job counting them is."""

    analytics: StoryAnalytics | None  # None while a job counts the players
    done: int = 0
    total: int | None = None
    failed: str = ""


def story_analytics_or_job(
    *,
    user,
    scenario: Scenario,
    since: datetime | None = None,
    until: datetime | None = None,
    story: Story | None = None,
) -> AnalyticsState:
    """As `story_analytics`, but a story with many players whose figures are not kept is counted by a job."""
    ensure_can_see_analytics(user, scenario)
    _check_range(since, until)
    kept = player_figures(scenario, since=since, until=until)
    if not kept.ready:
        return AnalyticsState(analytics=None, done=kept.done, total=kept.total, failed=kept.failed)
    return AnalyticsState(analytics=_analytics(scenario, kept.value, since=since, until=until, story=story))


def _check_range(since: datetime | None, until: datetime | None) -> None:
    if since and until and since >= until:
        raise on_field("until", "The end of the range must come after its start.")


def _analytics(
    scenario: Scenario, figures: dict, *, since: datetime | None, until: datetime | None, story: Story | None
) -> StoryAnalytics:
    story = story or selectors.load_story(scenario)
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
        computed_at=datetime.fromisoformat(figures["computed_at"]),
    )


def drop_off_by_scene(
    *, user, scenario: Scenario, since: datetime | None = None, until: datetime | None = None
) -> dict[ObjectId, int] | None:
    """For the story map's heatmap: how many players stopped at each scene (scenes no one stopped at are absent);
    None while a job counts the players of a large story."""
    ensure_can_see_analytics(user, scenario)
    kept = player_figures(scenario, since=since, until=until)
    if not kept.ready:
        return None
    return {ObjectId(scene_id): count for scene_id, count in kept.value["drop_off"].items()}
