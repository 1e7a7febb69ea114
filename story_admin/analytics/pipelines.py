"""The aggregation pipelines over `player_progress`, one per figure; each is a single `aggregate` command.

Every pipeline starts with the same `$match` on indexed fields (story, preview flag, start date: the
`progress_analytics` index) and groups on the server, so the commands sent do not depend on the number of
players or scenes. Stored names: `history` is the embedded array of {scene_id, choice_id, timestamp, ...}.
"""

from datetime import datetime

from bson import ObjectId
from django.db import connection

COLLECTION = "player_progress"


def players(*, scenario_id: ObjectId, author_id: ObjectId, since: datetime | None, until: datetime | None) -> dict:
    """Real players of one story who started in [since, until): no preview plays, not the author's own."""
    match = {"scenario_id": scenario_id, "is_preview": {"$ne": True}, "user_id": {"$ne": author_id}}
    started = {**({"$gte": since} if since else {}), **({"$lt": until} if until else {})}
    if started:
        match["created_at"] = started
    return {"$match": match}


def summary(match: dict) -> list[dict]:
    """Started, finished, and the medians of reading time (finished players) and of distinct scenes visited.

    `$median` (method "approximate"): a value of the set, for an even count the lower of the two middles.
    """
    return [
        match,
        {"$project": {
            "finished": {"$cond": ["$is_completed", 1, 0]},
            "seconds": {"$cond": ["$is_completed", "$total_time_spent", None]},
            "scenes": {"$size": {"$setUnion": [{"$ifNull": ["$history.scene_id", []]}, []]}},
        }},
        {"$group": {
            "_id": None,
            "started": {"$sum": 1},
            "finished": {"$sum": "$finished"},
            "median_seconds": {"$median": {"input": "$seconds", "method": "approximate"}},
            "median_scenes": {"$median": {"input": "$scenes", "method": "approximate"}},
        }},
    ]


def endings(match: dict) -> list[dict]:
    """Finished players by the ending they stand at."""
    return [{"$match": {**match["$match"], "is_completed": True}}, {"$sortByCount": "$current_scene_id"}]


def drop_off(match: dict, *, idle_before: datetime) -> list[dict]:
    """Players who stopped: not finished and not updated since `idle_before`, by the scene they stopped at."""
    return [{"$match": {**match["$match"], "is_completed": False, "updated_at": {"$lt": idle_before}}},
            {"$sortByCount": "$current_scene_id"}]


def visits(match: dict) -> list[dict]:
    """Per scene, the players who reached it; per choice, the players who took it (each player counted once)."""
    return [
        match,
        {"$project": {"scenes": {"$setUnion": [{"$ifNull": ["$history.scene_id", []]}, []]},
                      "choices": {"$setUnion": [{"$ifNull": ["$history.choice_id", []]}, []]}}},
        {"$facet": {"scenes": [{"$unwind": "$scenes"}, {"$sortByCount": "$scenes"}],
                    "choices": [{"$unwind": "$choices"}, {"$match": {"choices": {"$ne": ""}}},
                                {"$sortByCount": "$choices"}]}},
    ]


def run(pipeline: list[dict]) -> list[dict]:
    """One `aggregate` command on the raw collection, through the backend's connection (and its session)."""
    return list(connection.get_collection(COLLECTION).aggregate(pipeline, session=connection.session))
