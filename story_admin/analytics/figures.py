"""What authors learn from their players: the figures of one story, from real players' progress only.

Real players: progress not played through a preview link, and not the author's own. The range selects the
players who started in it (`since` included, `until` excluded); every figure is about those players.
"""

from collections import Counter
from dataclasses import dataclass
from functools import partial
from datetime import datetime, timedelta

from bson import ObjectId
from django.conf import settings
from django.utils import timezone

from .. import background, selectors
from ..exceptions import NotFound, on_field
from ..models import Choice, Scenario, Scene
from ..permissions import can_edit_story
from ..story import Story
from . import counters, pipelines


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
    return ":".join(["story-analytics", "v2", *parts, str(settings.ANALYTICS_DROP_OFF_DAYS)])


def _lower_median(histogram: dict[str, int]) -> float | None:
    """A value of the set counted by `histogram` ({value: how many}); for an even count the lower of the two
    middles."""
    values = sorted((int(value), count) for value, count in histogram.items() if count > 0)
    middle = (sum(count for _value, count in values) - 1) // 2
    for value, count in values:
        if middle < count:
            return value
        middle -= count
    return None


def _histogram(values: list) -> dict[str, int]:
    return {str(value): count for value, count in Counter(v for v in values if v is not None).items()}


def _added(results: list[dict]) -> dict:
    """The figures of the players of a `$facet` result."""
    summaries = [row for result in results for row in result["summary"]]

    def counts(branch: str) -> dict[str, int]:
        total = Counter()
        for result in results:
            total.update(_counts(result[branch]))
        return dict(total)

    return {
        "started": sum(row["started"] for row in summaries),
        "finished": sum(row["finished"] for row in summaries),
        "seconds": _histogram([value for row in summaries for value in row["seconds"]]),
        "visits": _histogram([value for row in summaries for value in row["scene_counts"]]),
        "endings": counts("endings"),
        "drop_off": counts("drop_off"),
        "scenes_reached": counts("scenes"),
        "choices_taken": counts("choices"),
    }


COUNTED = ("started", "finished")
MAPPED = ("seconds", "visits", "endings", "drop_off", "scenes_reached", "choices_taken")


def _summed(parts: list[dict]) -> dict:
    """The figures of several sets of players, added up, as kept in Redis."""
    maps = {name: Counter() for name in MAPPED}
    for part in parts:
        for name in MAPPED:
            maps[name].update(part.get(name, {}))
    return {
        **{name: sum(part.get(name, 0) for part in parts) for name in COUNTED},
        **{name: dict(counts) for name, counts in maps.items()},
        "computed_at": timezone.now().isoformat(),
    }


@dataclass(frozen=True)
class _Plan:
    """Where the players of a range are counted: the whole days (`whole`, None for none; bounds None for open)
    by the counters, the parts of a day at either end (`edges`, only through the API's moments: the studio's
    ranges are whole days) by the pipeline, on their progress documents."""

    whole: tuple[datetime | None, datetime | None] | None
    edges: list[tuple[datetime, datetime]]
    idle_before: datetime  # a player not finished whose last move is older stopped there (drop-off), by the hour


def _plan(since: datetime | None, until: datetime | None) -> _Plan:
    idle_before = counters.hour_of(timezone.now() - timedelta(days=settings.ANALYTICS_DROP_OFF_DAYS))
    first = counters.next_day(since) if since else None
    last = counters.day_of(until) if until else None
    if first and last and first >= last:  # no whole day in the range
        return _Plan(whole=None, edges=[(since, until)], idle_before=idle_before)
    edges = [(since, first)] if since and since < first else []
    edges += [(last, until)] if until and last < until else []
    return _Plan(whole=(first, last), edges=edges, idle_before=idle_before)


def from_the_progress(
    scenario: Scenario, *, since: datetime | None, until: datetime | None, idle_before: datetime
) -> dict:
    """The figures of the players who started in [since, until), from their progress documents: one `aggregate`."""
    match = pipelines.players(scenario_id=scenario.pk, author_id=scenario.author_id, since=since, until=until)
    return _added(pipelines.run(pipelines.figures(match, idle_before=idle_before)))


def _computed(scenario: Scenario, since: datetime | None, until: datetime | None) -> dict:
    """All the figures at once: the whole days' counters (one `find`), and one `aggregate` for each part of a day
    at the range's ends."""
    plan = _plan(since, until)
    parts = []
    if plan.whole is not None:
        first, last = plan.whole
        parts.append(counters.read(scenario.pk, first=first, last=last, idle_before=plan.idle_before))
    for begin, end in plan.edges:
        parts.append(from_the_progress(scenario, since=begin, until=end, idle_before=plan.idle_before))
    return _summed(parts)


def player_figures(scenario: Scenario, *, since: datetime | None = None, until: datetime | None = None) -> dict:
    """The raw figures (counts by scene and choice id), kept ANALYTICS_CACHE_SECONDS in Redis (0: counted each
    time)."""
    keep = settings.ANALYTICS_CACHE_SECONDS
    if keep <= 0:
        return _computed(scenario, since, until)
    compute = partial(_computed, scenario, since, until)
    return background.kept(_key(scenario, since, until), compute=compute, keep_seconds=keep).value


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
    """The story's figures for its author (or a superuser), kept ones or counted now; NotFound for anyone else."""
    ensure_can_see_analytics(user, scenario)
    _check_range(since, until)
    figures = player_figures(scenario, since=since, until=until)
    return _analytics(scenario, figures, since=since, until=until, story=story)


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
        median_seconds_to_ending=_number(_lower_median(figures["seconds"])),
        median_scenes_visited=_number(_lower_median(figures["visits"])),
        endings=endings,
        drop_off=drop_off,
        choices=choices,
        computed_at=datetime.fromisoformat(figures["computed_at"]),
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
