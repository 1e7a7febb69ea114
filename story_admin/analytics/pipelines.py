"""The aggregation pipeline over `player_progress` behind every figure of a story: a single `aggregate` command.

It starts with a `$match` on indexed fields (story, preview flag, start date: the `progress_analytics` index),
reads each matched document once into the few fields the figures need, and computes each figure in its own
branch of a `$facet` (summary, endings, drop-off, scenes reached, choices taken), grouped on the server: the
commands sent do not depend on the number of players or scenes. One command rather than one per figure because
the embedded server's cost is in reading and projecting the documents (measured at 1,000 players: 9.9 s for
five pipelines, each reading them again). The embedded server's shims 12, 13 and 17 (studio/embedded/mongo.py) make
its `$setUnion` and `$unwind` linear, and shim 18 decodes only what the first `$project` keeps; what remains there
is mongoeco interpreting each stage per document. Stored names: `history` is the embedded array of
{scene_id, choice_id, timestamp, ...}.

A story with many players is counted by a job (figures.py), slice by slice of ids: the same command on each
slice, the slices' figures added up.
"""

from datetime import datetime

from bson import ObjectId
from django.db import connection

COLLECTION = "player_progress"
# The only fields the figures read: the first `$project` keeps just these (the embedded server then decodes no
# more of each document than that, shim 18: not the dates of each history entry).
READ = ("current_scene_id", "is_completed", "updated_at", "total_time_spent", "history.scene_id", "history.choice_id")


def players(*, scenario_id: ObjectId, author_id: ObjectId, since: datetime | None, until: datetime | None) -> dict:
    """Real players of one story who started in [since, until): no preview plays, not the author's own."""
    match = {"scenario_id": scenario_id, "is_preview": {"$ne": True}, "user_id": {"$ne": author_id}}
    started = {**({"$gte": since} if since else {}), **({"$lt": until} if until else {})}
    if started:
        match["created_at"] = started
    return {"$match": match}


def figures(match: dict, *, idle_before: datetime) -> list[dict]:
    """Every figure of the matched players, one `$facet` branch each:

    - summary: started, finished, and the values whose medians are figures: the reading time of each finished
      player (None for the others) and the number of distinct scenes each saw. Values rather than `$median`,
      so that the figures of a large story computed in slices (`slices`, by a job) are those of one command;
    - endings: finished players by the ending they stand at;
    - drop_off: players not finished and not updated since `idle_before`, by the scene they stopped at;
    - scenes / choices: per scene the players who reached it, per choice those who took it (each once); each
      branch keeps only its array before unwinding it, so that no other field is copied per element. The start
      entry's empty choice id is counted too (one more group, not a `$match` over every choice taken) and left
      out with the other empty ids when the counts are read (`figures._counts`).
    """
    return [
        match,
        {"$project": {"_id": 0, **{field: 1 for field in READ}}},
        {
            "$project": {
                "_id": 0,
                "current_scene_id": 1,
                "is_completed": 1,
                "updated_at": 1,
                "seconds": {"$cond": ["$is_completed", "$total_time_spent", None]},
                "scenes": {"$setUnion": [{"$ifNull": ["$history.scene_id", []]}, []]},
                "choices": {"$setUnion": [{"$ifNull": ["$history.choice_id", []]}, []]},
            }
        },
        {
            "$facet": {
                "summary": [
                    {
                        "$group": {
                            "_id": None,
                            "started": {"$sum": 1},
                            "finished": {"$sum": {"$cond": ["$is_completed", 1, 0]}},
                            "seconds": {"$push": "$seconds"},
                            "scene_counts": {"$push": {"$size": "$scenes"}},
                        }
                    }
                ],
                "endings": [{"$match": {"is_completed": True}}, {"$sortByCount": "$current_scene_id"}],
                "drop_off": [
                    {"$match": {"is_completed": False, "updated_at": {"$lt": idle_before}}},
                    {"$sortByCount": "$current_scene_id"},
                ],
                "scenes": [{"$project": {"scenes": 1}}, {"$unwind": "$scenes"}, {"$sortByCount": "$scenes"}],
                "choices": [{"$project": {"choices": 1}}, {"$unwind": "$choices"}, {"$sortByCount": "$choices"}],
            }
        },
    ]


def in_slice(match: dict, ids: list[ObjectId]) -> dict:
    """The matched players whose ids lie from the first to the last of `ids` (ids sorted)."""
    return {"$match": {**match["$match"], "_id": {"$gte": ids[0], "$lte": ids[-1]}}}


def slices(match: dict, size: int) -> list[list[ObjectId]]:
    """The matched players' ids in order, cut in slices of `size`: one `find` of the ids alone."""
    ids = [
        document["_id"]
        for document in connection.get_collection(COLLECTION).find(
            match["$match"], {"_id": 1}, sort=[("_id", 1)], session=connection.session
        )
    ]
    return [ids[begin : begin + size] for begin in range(0, len(ids), size)]


def at_least(match: dict, count: int) -> bool:
    """Whether `count` or more players match: one `find` of at most `count` ids, in one batch."""
    found = connection.get_collection(COLLECTION).find(
        match["$match"], {"_id": 1}, limit=count, batch_size=count, session=connection.session
    )
    return len(list(found)) >= count


def run(pipeline: list[dict]) -> list[dict]:
    """One `aggregate` command on the raw collection, through the backend's connection (and its session)."""
    return list(connection.get_collection(COLLECTION).aggregate(pipeline, session=connection.session))
