"""The players' figures kept as counters (`PlayerFigures`): per story and per day the players started, what they did.

Each real player adds to the counters of the day they started (`contribution`): started, finished, their reading
time and number of scenes seen (histograms, for the medians), where a finished player ended, each scene and choice
they reached or took (once a player), and where an unfinished one stands, under the hour of their last move (so
drop-off, "no move for N days", is counted by the hour). A
change of a progress adds the difference between its contribution after and before (`moved`): one `$inc` of one
counters document (by its id, `counters_id`), in the same step. Reading a story's figures for whole days is then one `find` of at most one
document a day (`read`), whatever the number of players: the embedded server never decodes their progress.

Every write of `player_progress` goes through the progress service, which calls `moved`; the few writes of many
progress documents at once (a deleted scene sends its players back to the start, a deleted account takes its
progress) call `changed_where`. Progress written any other way (a restore, a script) is counted by `rebuild`
(the `rebuild_player_figures` command), which also repairs counters a crash left behind a write.
Stored names: `history` is the embedded array of {scene_id, choice_id, ...}.
"""

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bson import ObjectId
from django.db import connection
from pymongo import UpdateOne

from ..models import PlayerFigures, PlayerProgress, Scenario

COLLECTION = PlayerFigures._meta.db_table
MAPS = ("seconds", "visits", "endings", "reached", "taken", "stopped")
# The figure (figures._added's name) each map adds up to; `stopped` adds up to the drop-off.
FIGURE_OF = {
    "seconds": "seconds",
    "visits": "visits",
    "endings": "endings",
    "reached": "scenes_reached",
    "taken": "choices_taken",
}
# What a contribution reads of a stored progress document.
READ = (
    "scenario_id",
    "user_id",
    "is_preview",
    "current_scene_id",
    "is_completed",
    "total_time_spent",
    "history.scene_id",
    "history.choice_id",
    "created_at",
    "updated_at",
)


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive moment is UTC already (as pymongo reads them)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def day_of(moment: datetime) -> datetime:
    """Midnight (UTC) of the day of `moment`."""
    return _utc(moment).replace(hour=0, minute=0, second=0, microsecond=0)


def hour_of(moment: datetime) -> datetime:
    """The start (UTC) of the hour of `moment`."""
    return _utc(moment).replace(minute=0, second=0, microsecond=0)


def hour_key(moment: datetime) -> str:
    """The hour of `moment` as `stopped` names it: "2026-12-03T14", in the order of the hours."""
    return f"{_utc(moment):%Y-%m-%dT%H}"


def next_day(moment: datetime) -> datetime:
    """The first midnight (UTC) at or after `moment`."""
    day = day_of(moment)
    return day if day == _utc(moment) else day + timedelta(days=1)


@dataclass(frozen=True)
class Played:
    """The fields of one progress that its contribution reads."""

    scenario_id: ObjectId
    user_id: ObjectId | None
    is_preview: bool
    current_scene_id: ObjectId | None
    is_completed: bool
    total_time_spent: int
    scene_ids: frozenset[str]
    choice_ids: frozenset[str]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, progress: PlayerProgress) -> "Played":
        return cls(
            scenario_id=progress.scenario_id,
            user_id=progress.user_id,
            is_preview=bool(progress.is_preview),
            current_scene_id=progress.current_scene_id,
            is_completed=bool(progress.is_completed),
            total_time_spent=progress.total_time_spent or 0,
            scene_ids=frozenset(entry.scene_id for entry in progress.history if entry.scene_id),
            choice_ids=frozenset(entry.choice_id for entry in progress.history if entry.choice_id),
            created_at=progress.created_at,
            updated_at=progress.updated_at or progress.created_at,
        )

    @classmethod
    def from_document(cls, document: dict) -> "Played":
        history = document.get("history") or []
        return cls(
            scenario_id=document["scenario_id"],
            user_id=document.get("user_id"),
            is_preview=bool(document.get("is_preview")),
            current_scene_id=document.get("current_scene_id"),
            is_completed=bool(document.get("is_completed")),
            total_time_spent=document.get("total_time_spent") or 0,
            scene_ids=frozenset(entry["scene_id"] for entry in history if entry.get("scene_id")),
            choice_ids=frozenset(entry["choice_id"] for entry in history if entry.get("choice_id")),
            created_at=document["created_at"],
            updated_at=document.get("updated_at") or document["created_at"],
        )


def contribution(played: Played, *, author_id: ObjectId | None) -> Counter:
    """What one progress adds to its start day's counters, as `$inc` paths; nothing for a preview play or the
    author's own. The same figures as the aggregation pipeline (pipelines.figures) counts for that player."""
    if played.is_preview or played.user_id == author_id:
        return Counter()
    counts = Counter({"started": 1, f"visits.{len(played.scene_ids)}": 1})
    counts.update(f"reached.{scene_id}" for scene_id in played.scene_ids)
    counts.update(f"taken.{choice_id}" for choice_id in played.choice_ids)
    if played.is_completed:
        counts.update(["finished", f"seconds.{played.total_time_spent}"])
        if played.current_scene_id:
            counts[f"endings.{played.current_scene_id}"] += 1
    elif played.current_scene_id:
        counts[f"stopped.{hour_key(played.updated_at)}.{played.current_scene_id}"] += 1
    return counts


Change = tuple[Played | None, Played | None]  # a progress before and after; None: not there


def counters_id(scenario_id: ObjectId, day: datetime) -> ObjectId:
    """The id of a story's counters for a day, the same wherever it is computed: a step updates its document by id
    (found at once, not by a filter over every story's counters)."""
    key = f"{scenario_id}:{day:%Y-%m-%d}".encode()
    return ObjectId(hashlib.blake2b(key, digest_size=12, person=b"player-figures").digest())


def _changes_by_day(changes: Iterable[Change], authors: dict[ObjectId, ObjectId | None]) -> dict[tuple, Counter]:
    by_day = defaultdict(Counter)
    for before, after in changes:
        if before is not None:
            key = (before.scenario_id, day_of(before.created_at))
            by_day[key].subtract(contribution(before, author_id=authors.get(before.scenario_id)))
        if after is not None:
            key = (after.scenario_id, day_of(after.created_at))
            by_day[key].update(contribution(after, author_id=authors.get(after.scenario_id)))
    return by_day


def _apply(changes: Iterable[Change], authors: dict[ObjectId, ObjectId | None]) -> None:
    """One `update` command with a `$inc` per counters document whose counts change (none when nothing does).

    Only additions create a missing document: counts taken away from counters that are gone (their story was
    deleted meanwhile) stay gone."""
    updates = []
    for (scenario_id, day), counts in _changes_by_day(changes, authors).items():
        counts = {path: count for path, count in counts.items() if count}
        if counts:
            added = any(count > 0 for count in counts.values())
            change = {"$inc": counts, "$setOnInsert": {"scenario_id": scenario_id, "day": day}}
            updates.append(UpdateOne({"_id": counters_id(scenario_id, day)}, change, upsert=added))
    if updates:
        connection.get_collection(COLLECTION).bulk_write(updates, ordered=False, session=connection.session)


def moved(before: PlayerProgress | Played | None, after: PlayerProgress | Played | None, *, scenario: Scenario):
    """Count the change of one progress of `scenario` (None before: a new one; None after: deleted)."""
    played = [item if item is None or isinstance(item, Played) else Played.of(item) for item in (before, after)]
    _apply([tuple(played)], {scenario.pk: scenario.author_id})


def changed_where(query: dict, change: Callable[[Played], Played | None]) -> None:
    """Before progress documents matching `query` are changed (or deleted) at once: count what `change` makes of
    each (None: deleted). One `find` of their counted fields, one of their stories' authors, one `update`."""
    found = connection.get_collection(PlayerProgress._meta.db_table).find(
        query, dict.fromkeys(READ, 1), session=connection.session
    )
    changes = [(played, change(played)) for played in map(Played.from_document, found)]
    if changes:
        _apply(changes, _authors({before.scenario_id for before, _after in changes}))


def forget_player(sender, instance, **kwargs) -> None:
    """`pre_delete` of a user: their progress, about to be deleted with them, leaves the counters."""
    changed_where({"user_id": instance.pk}, lambda played: None)


def _authors(scenario_ids: Iterable[ObjectId]) -> dict[ObjectId, ObjectId | None]:
    """The author of each story, read as stored (so that a migration may count too): one `find`."""
    found = connection.get_collection(Scenario._meta.db_table).find(
        {"_id": {"$in": list(scenario_ids)}}, {"author_id": 1}, session=connection.session
    )
    return {document["_id"]: document.get("author_id") for document in found}


def rebuild(scenario_ids: list[ObjectId] | None = None) -> int:
    """Count again from `player_progress` the counters of these stories (all without ids); the players counted."""
    collection = connection.get_collection(COLLECTION)
    story = {} if scenario_ids is None else {"scenario_id": {"$in": list(scenario_ids)}}
    found = connection.get_collection(PlayerProgress._meta.db_table).find(
        story, dict.fromkeys(READ, 1), session=connection.session
    )
    played = [Played.from_document(document) for document in found]
    by_day = _changes_by_day(((None, item) for item in played), _authors({item.scenario_id for item in played}))
    collection.delete_many(story, session=connection.session)
    documents = [_document(scenario_id, day, counts) for (scenario_id, day), counts in by_day.items() if +counts]
    if documents:
        collection.insert_many(documents, session=connection.session)
    return sum(document["started"] for document in documents)


def _document(scenario_id: ObjectId, day: datetime, counts: Counter) -> dict:
    document = {
        "_id": counters_id(scenario_id, day),
        "scenario_id": scenario_id,
        "day": day,
        "started": 0,
        "finished": 0,
        **{name: {} for name in MAPS},
    }
    for path, count in counts.items():
        if not count:
            continue
        *parents, leaf = path.split(".")
        place = document
        for parent in parents:
            place = place.setdefault(parent, {})
        place[leaf] = count
    return document


def read(scenario_id: ObjectId, *, first: datetime | None, last: datetime | None, idle_before: datetime) -> dict:
    """The counters of the players who started from midnight `first` (included) to midnight `last` (excluded),
    None for no bound, added up in the shape of the pipeline's figures (figures._added); their drop-off is of the
    players whose last move was before the hour `idle_before`. One `find`."""
    days = {**({"$gte": first} if first else {}), **({"$lt": last} if last else {})}
    query = {"scenario_id": scenario_id, **({"day": days} if days else {})}
    totals = {name: Counter() for name in (*FIGURE_OF.values(), "drop_off")}
    started = finished = 0
    idle = hour_key(idle_before)
    for document in connection.get_collection(COLLECTION).find(query, {"_id": 0}, session=connection.session):
        started += document.get("started") or 0
        finished += document.get("finished") or 0
        for stored, name in FIGURE_OF.items():
            totals[name].update(document.get(stored) or {})
        for hour, scenes in (document.get("stopped") or {}).items():
            if hour < idle:
                totals["drop_off"].update(scenes)
    kept = {name: {key: count for key, count in counts.items() if count > 0} for name, counts in totals.items()}
    return {"started": started, "finished": finished, **kept}
