"""Bringing a database of the old backend (VEH: MongoEngine documents) into Story Studio.

Documents keep their ObjectIds, so running the import again finds them and adds nothing.
Passwords keep their bcrypt hashes (Django's `bcrypt$` format): no reset needed.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC

import pymongo
from bson import DBRef, ObjectId
from django.utils import timezone
from django_mongodb_backend import transaction

from ..models import Asset, AssetStatus, AssetType, Choice, HistoryEntry, PlayerProgress, Role, Scenario, Scene, User
from ..twine.model import new_ifid
from .stories import unique_slug

KINDS = ("users", "assets", "scenarios", "scenes", "choices", "player_progress")


@dataclass
class LegacyImportReport:
    imported: Counter = field(default_factory=Counter)
    already_there: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        lines = [f"{kind}: {self.imported[kind]} imported, {self.already_there[kind]} already there"
                 for kind in KINDS]
        return "\n".join(lines + [f"skipped: {reason}" for reason in self.skipped])


def import_old_backend(*, uri: str, db_name: str) -> LegacyImportReport:
    report = LegacyImportReport()
    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        source = client[db_name]
        _users(source, report)
        _assets(source, report)
        _scenarios(source, report)
        scenes = _scenes(source, report)
        _choices(source, scenes, report)
        _progress(source, report)
    return report


def ref(value) -> ObjectId | None:
    """A reference as MongoEngine stored it: an ObjectId, a DBRef, or its hex string."""
    if isinstance(value, DBRef):
        return value.id
    if isinstance(value, ObjectId):
        return value
    if isinstance(value, str) and ObjectId.is_valid(value):
        return ObjectId(value)
    return None


def moment(value):
    """A date as the old backend stored it (naive UTC from pymongo), made aware; now when missing."""
    if value is None:
        return timezone.now()
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def _new(model, documents, kind, report):
    """The documents whose id is not in Story Studio yet; counts the others."""
    documents = list(documents)
    existing = set(model.objects.filter(pk__in=[d["_id"] for d in documents]).values_list("pk", flat=True))
    report.already_there[kind] += len(existing)
    return [document for document in documents if document["_id"] not in existing]


def _save(model, objects, kind, report):
    with transaction.atomic():
        model.objects.bulk_create(objects)
    report.imported[kind] += len(objects)


def _users(source, report):
    users, emails = [], set(User.objects.values_list("email", flat=True))
    for document in _new(User, source.users.find(), "users", report):
        email = (document.get("email") or "").strip().lower()
        if not email or email in emails:
            report.skipped.append(f"user {document['_id']}: email “{email}” missing or already used")
            continue
        emails.add(email)
        password = document.get("password") or ""
        users.append(User(
            pk=document["_id"], email=email, first_name=document.get("first_name") or "",
            last_name=document.get("last_name") or "",
            role=Role.AUTHOR if document.get("role") == Role.AUTHOR else Role.PLAYER,
            password=f"bcrypt${password}" if password.startswith("$2") else "!unusable-imported",
            created_at=moment(document.get("created_at")),
        ))
    _save(User, users, "users", report)


def _assets(source, report):
    users = set(User.objects.values_list("pk", flat=True))
    assets = []
    for document in _new(Asset, source.assets.find(), "assets", report):
        owner = ref(document.get("uploaded_by"))
        if owner not in users:
            report.skipped.append(f"asset {document['_id']}: its uploader is unknown")
            continue
        assets.append(Asset(
            pk=document["_id"], type=document.get("type") if document.get("type") in AssetType.values else "image",
            name=document.get("name") or "", filename=document.get("filename") or "", url=document.get("url") or "",
            file_size=document.get("file_size"), mime_type=document.get("mime_type") or "",
            metadata=document.get("metadata") or {}, is_public=document.get("is_public", True),
            uploaded_by_id=owner, status=AssetStatus.READY, created_at=moment(document.get("created_at")),
        ))
    _save(Asset, assets, "assets", report)


def _scenarios(source, report):
    users = set(User.objects.values_list("pk", flat=True))
    stories = []
    for document in _new(Scenario, source.scenarios.find(), "scenarios", report):
        author = ref(document.get("author_id") or document.get("author"))
        if author not in users:
            report.skipped.append(f"story {document['_id']}: its author is unknown")
            continue
        title = document.get("title") or "Untitled"
        stories.append(Scenario(
            pk=document["_id"], title=title, slug=unique_slug(title), description=document.get("description") or "",
            is_published=bool(document.get("is_published")), author_id=author, ifid=new_ifid(),
            created_at=moment(document.get("created_at")),
        ))
    _save(Scenario, stories, "scenarios", report)


def _scenes(source, report) -> dict[ObjectId, ObjectId]:
    """Imports scenes; returns scene id -> story id for every scene now in Story Studio."""
    stories = set(Scenario.objects.values_list("pk", flat=True))
    assets = set(Asset.objects.values_list("pk", flat=True))
    scenes = []
    for document in _new(Scene, source.scenes.find(), "scenes", report):
        story = ref(document.get("scenario_id") or document.get("scenario"))
        if story not in stories:
            report.skipped.append(f"scene {document['_id']}: its story is unknown")
            continue
        media = {f"{name}_id": media_id if (media_id := ref(document.get(f"{name}_id"))) in assets else None
                 for name in ("image", "sound", "music")}
        scenes.append(Scene(
            pk=document["_id"], scenario_id=story, title=document.get("title") or "Untitled",
            text=document.get("text") or "", order=document.get("order") or 0,
            is_start_scene=bool(document.get("is_start_scene")), is_end_scene=bool(document.get("is_end_scene")),
            ending_kind="neutral" if document.get("is_end_scene") else "",
            created_at=moment(document.get("created_at")), **media,
        ))
    _save(Scene, scenes, "scenes", report)
    return dict(Scene.objects.values_list("pk", "scenario_id"))


def _choices(source, scenes, report):
    choices = []
    for document in _new(Choice, source.choices.find(), "choices", report):
        origin, target = ref(document.get("from_scene_id")), ref(document.get("to_scene_id"))
        if origin not in scenes or (target is not None and scenes.get(target) != scenes[origin]):
            report.skipped.append(f"choice {document['_id']}: its scenes are unknown or in different stories")
            continue
        condition = document.get("condition")
        choices.append(Choice(
            pk=document["_id"], scenario_id=scenes[origin], from_scene_id=origin, to_scene_id=target,
            text=document.get("text") or "…", condition=condition if isinstance(condition, dict) else {},
            order=document.get("order") or 0, created_at=moment(document.get("created_at")),
        ))
    _save(Choice, choices, "choices", report)


def _progress(source, report):
    users = set(User.objects.values_list("pk", flat=True))
    scenes = dict(Scene.objects.values_list("pk", "scenario_id"))
    taken = set(PlayerProgress.objects.values_list("user_id", "scenario_id"))
    progress = []
    for document in _new(PlayerProgress, source.player_progress.find(), "player_progress", report):
        user, story = ref(document.get("user_id")), ref(document.get("scenario_id"))
        current = ref(document.get("current_scene_id"))
        if user not in users or scenes.get(current) != story or (user, story) in taken:
            report.skipped.append(f"progress {document['_id']}: unknown player, story or scene, or a duplicate")
            continue
        taken.add((user, story))
        history = [HistoryEntry(scene_id=str(ref(step.get("scene_id"))),
                                choice_id=str(choice) if (choice := ref(step.get("choice_id"))) else "",
                                timestamp=moment(step.get("timestamp")), metadata=step.get("metadata") or {})
                   for step in document.get("history") or [] if scenes.get(ref(step.get("scene_id"))) == story]
        progress.append(PlayerProgress(
            pk=document["_id"], user_id=user, scenario_id=story, current_scene_id=current, history=history,
            is_completed=bool(document.get("is_completed")),
            completed_at=moment(document["completed_at"]) if document.get("completed_at") else None,
            total_time_spent=int(document.get("total_time_spent") or 0),
        ))
    _save(PlayerProgress, progress, "player_progress", report)
