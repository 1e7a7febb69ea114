"""Players' progress written as stored documents (dates as given, `updated_at` included), and a story with
known players whose figures were counted by hand: shared by the analytics tests and bench/analytics.py."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from bson import ObjectId
from django.db import connection
from django.utils import timezone

from story_admin.analytics.counters import rebuild
from story_admin.models import Choice, HistoryEntry, PlayerProgress, Scenario, Scene
from tests.factories import ScenarioFactory, SceneFactory, UserFactory

STEP_SECONDS = 20


def progress_document(
    *,
    scenario: Scenario,
    user_id: ObjectId,
    path: list[Choice],
    start: Scene,
    started_at: datetime,
    updated_at: datetime | None = None,
    seconds: int = 0,
    preview: bool = False,
) -> dict:
    """The stored document of one player who took `path` from `start`, finished if its last scene is an ending."""
    history = [HistoryEntry(scene_id=str(start.pk), timestamp=started_at)]
    at, last = started_at, start
    for choice in path:
        at += timedelta(seconds=STEP_SECONDS)
        history.append(HistoryEntry(scene_id=str(choice.to_scene_id), choice_id=str(choice.pk), timestamp=at))
        last = choice.to_scene
    finished = last.is_end_scene
    progress = PlayerProgress(
        user_id=user_id,
        scenario=scenario,
        current_scene_id=last.pk,
        history=history,
        is_completed=finished,
        completed_at=at if finished else None,
        total_time_spent=seconds,
        steps_taken=len(path),
        is_preview=preview,
        created_at=started_at,
        updated_at=updated_at or at,
    )
    document = {
        field.column: field.get_db_prep_save(getattr(progress, field.attname), connection=connection)
        for field in PlayerProgress._meta.local_concrete_fields
        if field.column != "_id"
    }
    document["_id"] = ObjectId()
    return document


def insert_progress(documents: list[dict], *, batch: int = 100) -> None:
    """In bulk, as stored (the model's `save` would stamp `updated_at` with now), then counted in their stories'
    figures as `manage.py rebuild_player_figures` does after such a write."""
    collection = connection.get_collection(PlayerProgress._meta.db_table)
    for begin in range(0, len(documents), batch):
        collection.insert_many(documents[begin : begin + batch])
    rebuild(list({document["scenario_id"] for document in documents}))


@dataclass
class KnownPlayers:
    scenario: Scenario
    scenes: dict[str, Scene]
    choices: dict[str, Choice]
    now: datetime


def cellar_story(author, title: str = "The Cellar") -> tuple[Scenario, dict[str, Scene], dict[str, Choice]]:
    """Start → Hall → Cellar; endings Garden (from Start), Vault (from Hall), Trap (from Cellar); Cellar leads back."""
    scenario = ScenarioFactory(author=author, title=title, is_published=True)
    scenes = {
        title: SceneFactory(
            scenario=scenario,
            title=title,
            order=order,
            is_start_scene=title == "Start",
            is_end_scene=title in ("Garden", "Vault", "Trap"),
        )
        for order, title in enumerate(["Start", "Hall", "Cellar", "Garden", "Vault", "Trap"])
    }
    choices = {}
    for order, (origin, target, text) in enumerate(
        [
            ("Start", "Hall", "Open the door"),
            ("Start", "Garden", "Walk away"),
            ("Hall", "Cellar", "Go down"),
            ("Hall", "Vault", "Try the key"),
            ("Cellar", "Trap", "Jump"),
            ("Cellar", "Hall", "Climb back"),
        ]
    ):
        choices[text] = Choice.objects.create(
            scenario=scenario, from_scene=scenes[origin], to_scene=scenes[target], text=text, order=order
        )
    return scenario, scenes, choices


# (name, path, started days ago, last move days ago or None for at the last step, seconds of reading)
PLAYERS = [
    ("P1", ["Open the door", "Try the key"], 20, None, 300),
    ("P2", ["Walk away"], 15, None, 60),
    ("P3", ["Open the door", "Go down", "Jump"], 10, None, 500),
    ("P4", ["Open the door"], 12, 9, 40),
    ("P5", ["Open the door", "Go down"], 9, 8, 80),
    ("P6", [], 2, 1, 10),
    ("P7", ["Open the door", "Go down", "Climb back", "Try the key"], 5, None, 700),
    ("P8", ["Walk away"], 3, None, 120),
    ("P9", ["Open the door"], 4, 2, 30),
]


def known_players(author) -> KnownPlayers:
    """The Cellar with nine real players (PLAYERS), plus plays that must not count: a preview play, the author's
    own (stopped long ago), and a player of another story."""
    now = timezone.now().replace(microsecond=0)
    scenario, scenes, choices = cellar_story(author)
    documents = []
    for _name, path, started, moved, seconds in PLAYERS:
        documents.append(
            progress_document(
                scenario=scenario,
                user_id=UserFactory().pk,
                path=[choices[text] for text in path],
                start=scenes["Start"],
                started_at=now - timedelta(days=started),
                seconds=seconds,
                updated_at=now - timedelta(days=moved) if moved is not None else None,
            )
        )
    documents.append(
        progress_document(
            scenario=scenario,
            user_id=UserFactory().pk,
            path=[choices["Walk away"]],
            start=scenes["Start"],
            started_at=now - timedelta(days=6),
            seconds=5,
            preview=True,
        )
    )
    documents.append(
        progress_document(
            scenario=scenario,
            user_id=author.pk,
            path=[choices["Open the door"]],
            start=scenes["Start"],
            started_at=now - timedelta(days=30),
            updated_at=now - timedelta(days=29),
            seconds=9,
        )
    )
    other, other_scenes, other_choices = cellar_story(author, "Another cellar")
    documents.append(
        progress_document(
            scenario=other,
            user_id=UserFactory().pk,
            path=[other_choices["Walk away"]],
            start=other_scenes["Start"],
            started_at=now - timedelta(days=6),
            seconds=1000,
        )
    )
    insert_progress(documents)
    return KnownPlayers(scenario=scenario, scenes=scenes, choices=choices, now=now)
