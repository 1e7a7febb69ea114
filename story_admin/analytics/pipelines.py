"""The aggregation pipeline over `player_progress` behind every figure of the players of a part of a day (the
whole days are counted in advance, counters.py): a single `aggregate` command.

It starts with a `$match` on indexed fields (story, preview flag, start date: the `progress_analytics` index),
reads each matched document once into the few fields the figures need, and computes each figure in its own
branch of a `$facet` (summary, endings, drop-off, scenes reached, choices taken), grouped on the server: the
commands sent do not depend on the number of players or scenes. One command rather than one per figure because
the embedded server's cost is in reading and projecting the documents (measured at 1,000 players: 9.9 s for
five pipelines, each reading them again). The embedded server's shims 12, 13 and 17 (studio/embedded/mongo.py) make
its `$setUnion` and `$unwind` linear, and shim 18 decodes only what the first `$project` keeps; what remains there
is mongoeco interpreting each stage per document. Stored names: `history` is the embedded array of
{scene_id, choice_id, timestamp, ...}.

Only the API's ranges have parts of a day (it takes moments; the studio's ranges are whole days).
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


def run(pipeline: list[dict]) -> list[dict]:
    """One `aggregate` command on the raw collection, through the backend's connection (and its session)."""
    return list(connection.get_collection(COLLECTION).aggregate(pipeline, session=connection.session))
