"""Bringing a database of the old backend (VEH: MongoEngine documents) into Story Studio.

Documents keep their ObjectIds, so running the import again finds them and adds nothing: a document
already here is never touched again (its history is not converted twice, its map not laid out again).
Passwords keep their bcrypt hashes (Django's `bcrypt$` format): no reset needed.

What the old backend meant differently is converted on the way in, and the report says so:
- `history` listed each scene the player *left* with the choice taken, never the current scene; ours
  lists the start, then each scene *arrived at* with the choice that led there (the current scene last);
- music was stored as `type: "sound"`: an asset scenes use as `music_id` becomes `music`;
- scenes had no map position, stories no language, assets no story, width, height or duration.
"""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC

import pymongo
from bson import DBRef, ObjectId
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify
from django_mongodb_backend import transaction

from ..exceptions import StoryError, StoryRuleError
from ..layout import layered_positions
from ..models import Asset, AssetStatus, AssetType, Choice, HistoryEntry, PlayerProgress, Role, Scenario, Scene, User
from ..story import Story
from ..twine.model import new_ifid

KINDS = ("users", "scenarios", "assets", "scenes", "choices", "player_progress")
MEDIA_ROLES = ("image", "sound", "music")
# One transaction per batch: the embedded server commits a transaction in one command, answering nothing
# else meanwhile, and pymongo drops a server that misses its heartbeats (committing 2,000 choices at once was
# cancelled that way). A batch is written whole or not at all; running the import again adds the rest.
INSERT_BATCH = 50
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", re.IGNORECASE)


class OldDatabaseUnreadable(StoryError):
    """The old backend's database could not be read; nothing was imported."""


@dataclass
class LegacyImportReport:
    language: str
    imported: Counter = field(default_factory=Counter)
    already_there: Counter = field(default_factory=Counter)
    dates_kept: int = 0
    scenes_laid_out: int = 0
    stories_laid_out: int = 0
    histories_converted: int = 0
    history_steps_dropped: int = 0
    typed_music: list[str] = field(default_factory=list)
    assets_tied: int = 0
    sizes_filled: int = 0
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        lines = [f"{kind}: {self.imported[kind]} imported, {self.already_there[kind]} already there" for kind in KINDS]
        lines += [
            f"language: “{self.language}” set on {self.imported['scenarios']} imported stories "
            "(the old backend had no language; choose it with --language)",
            f"map: {self.scenes_laid_out} scenes of {self.stories_laid_out} stories laid out left to right, "
            "as Tidy up does (the old backend had no positions)",
            f"history: {self.histories_converted} progress records converted from “scenes left” to “the start, "
            "then each scene arrived at” (current scene included)"
            + (
                f"; {self.history_steps_dropped} steps through unknown scenes dropped"
                if self.history_steps_dropped
                else ""
            ),
            f"dates: created_at and updated_at of the old backend kept on {self.dates_kept} documents",
            f"music: {len(self.typed_music)} stored as sound but used by scenes as music, now typed music"
            + (f": {', '.join(self.typed_music)}" if self.typed_music else ""),
            f"assets: {self.assets_tied} tied to the story whose scenes use them",
            f"sizes: width, height or duration filled from metadata on {self.sizes_filled} assets",
        ]
        return "\n".join(
            lines + [f"note: {note}" for note in self.notes] + [f"skipped: {reason}" for reason in self.skipped]
        )


def default_language() -> str:
    """The project's LANGUAGE_CODE reduced to its primary code (`en-us` -> `en`)."""
    return settings.LANGUAGE_CODE.split("-")[0].lower()


def clean_language(language: str | None) -> str:
    code = (language or "").strip() or default_language()
    if not LANGUAGE_TAG.fullmatch(code) or len(code) > Scenario._meta.get_field("language").max_length:
        raise StoryRuleError(f"“{code}” is not a language code: give one such as fr, en or pt-BR.")
    primary, *rest = code.split("-")
    return "-".join([primary.lower(), *rest])


def import_old_backend(*, uri: str, db_name: str, language: str | None = None) -> LegacyImportReport:
    report = LegacyImportReport(language=clean_language(language))
    try:
        with pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
            old = {kind: list(client[db_name][kind].find()) for kind in KINDS}
    except pymongo.errors.PyMongoError as error:
        raise OldDatabaseUnreadable(f"Cannot read the old database at {uri}: {error}") from error
    _users(old, report)
    stories = _scenarios(old, report)
    scene_story = _scene_stories(old, stories)
    _assets(old, scene_story, report)
    scenes = _scenes_and_choices(old, scene_story, report)
    _progress(old, scenes, report)
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


def _existing(model) -> set[ObjectId]:
    # All ids at once: an equality-free read, where `pk__in` over every old id is slow on the embedded server.
    return set(model.objects.values_list("pk", flat=True))


def _new(model, documents, kind, report) -> list[dict]:
    """The documents whose id is not in Story Studio yet; counts the others."""
    existing = _existing(model)
    report.already_there[kind] += sum(document["_id"] in existing for document in documents)
    return [document for document in documents if document["_id"] not in existing]


def _dates(document) -> dict:
    """The old document's own dates; a choice had no `updated_at`, so its `created_at` stands in."""
    created = moment(document.get("created_at"))
    return {
        "created_at": created,
        "updated_at": moment(document["updated_at"]) if document.get("updated_at") else created,
    }


def _save(model, objects, kind, report):
    """Insert in bulk with the old dates as they are.

    `bulk_create` would stamp `updated_at` (auto_now) with the import time, and rewriting it afterwards took
    most of the import's time on the embedded server (15 of 21 s for 361 documents); so the fields turn the
    objects into documents themselves, as the backend's insert does, and they go in by `insert_many`.
    """
    columns = model._meta.local_concrete_fields
    documents = [
        {
            column.column: column.get_db_prep_save(getattr(item, column.attname), connection=connection)
            for column in columns
        }
        for item in objects
    ]
    collection = connection.get_collection(model._meta.db_table)
    for start in range(0, len(documents), INSERT_BATCH):
        with transaction.atomic():
            collection.insert_many(documents[start : start + INSERT_BATCH], session=connection.session)
    report.imported[kind] += len(objects)
    report.dates_kept += len(objects)


def _users(old, report):
    users, emails = [], set(User.objects.values_list("email", flat=True))
    for document in _new(User, old["users"], "users", report):
        email = (document.get("email") or "").strip().lower()
        if not email or email in emails:
            report.skipped.append(f"user {document['_id']}: email “{email}” missing or already used")
            continue
        emails.add(email)
        password = document.get("password") or ""
        users.append(
            User(
                pk=document["_id"],
                email=email,
                first_name=document.get("first_name") or "",
                last_name=document.get("last_name") or "",
                role=Role.AUTHOR if document.get("role") == Role.AUTHOR else Role.PLAYER,
                password=f"bcrypt${password}" if password.startswith("$2") else "!unusable-imported",
                **_dates(document),
            )
        )
    _save(User, users, "users", report)


def _free_slug(title: str, taken: set[str]) -> str:
    """A slug no story uses, counting those of this import (not written yet, so no query can see them)."""
    base = slugify(title)[:200] or "story"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def _scenarios(old, report) -> set[ObjectId]:
    """Imports stories; returns the ids of every old story now in Story Studio."""
    users, slugs = _existing(User), set(Scenario.objects.values_list("slug", flat=True))
    stories = []
    for document in _new(Scenario, old["scenarios"], "scenarios", report):
        author = ref(document.get("author_id") or document.get("author"))
        if author not in users:
            report.skipped.append(f"story {document['_id']}: its author is unknown")
            continue
        title = document.get("title") or "Untitled"
        stories.append(
            Scenario(
                pk=document["_id"],
                title=title,
                slug=_free_slug(title, slugs),
                description=document.get("description") or "",
                language=report.language,
                is_published=bool(document.get("is_published")),
                author_id=author,
                ifid=new_ifid(),
                **_dates(document),
            )
        )
    _save(Scenario, stories, "scenarios", report)
    return _existing(Scenario) & {document["_id"] for document in old["scenarios"]}


def _scene_stories(old, stories) -> dict[ObjectId, ObjectId]:
    """Old scene id -> its story, for the scenes of stories now here (the `scenes` lists on stories only repeat it)."""
    return {
        document["_id"]: story
        for document in old["scenes"]
        if (story := ref(document.get("scenario_id") or document.get("scenario"))) in stories
    }


def _assets(old, scene_story, report):
    uses = defaultdict(set)  # asset id -> {(role, story id)}
    for document in old["scenes"]:
        if document["_id"] in scene_story:
            for role in MEDIA_ROLES:
                if asset_id := ref(document.get(f"{role}_id")):
                    uses[asset_id].add((role, scene_story[document["_id"]]))
    users = _existing(User)
    assets = []
    for document in _new(Asset, old["assets"], "assets", report):
        owner = ref(document.get("uploaded_by"))
        if owner not in users:
            report.skipped.append(f"asset {document['_id']}: its uploader is unknown")
            continue
        name = document.get("name") or ""
        roles = {role for role, _ in uses[document["_id"]]}
        stories = {story for _, story in uses[document["_id"]]}
        kind = document.get("type") if document.get("type") in AssetType.values else AssetType.IMAGE
        metadata = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
        if kind == AssetType.SOUND and "music" in roles:
            if "sound" in roles:
                report.notes.append(
                    f"asset “{name}” ({document['_id']}) is used both as narration and as music: "
                    "kept as narration (sound)"
                )
            else:
                kind = AssetType.MUSIC
                report.typed_music.append(f"“{name}”")
        if len(stories) > 1:
            report.notes.append(
                f"asset “{name}” ({document['_id']}) is used by scenes of {len(stories)} stories: "
                "shared, tied to no story (deleting one of them keeps it)"
            )
        sizes = _sizes(metadata)
        report.assets_tied += len(stories) == 1
        report.sizes_filled += bool(sizes)
        assets.append(
            Asset(
                pk=document["_id"],
                type=kind,
                name=name,
                filename=document.get("filename") or "",
                url=document.get("url") or "",
                file_size=document.get("file_size"),
                mime_type=document.get("mime_type") or "",
                metadata=metadata,
                is_public=document.get("is_public", True),
                uploaded_by_id=owner,
                scenario_id=next(iter(stories)) if len(stories) == 1 else None,
                status=AssetStatus.READY,
                **_dates(document),
                **sizes,
            )
        )
    _save(Asset, assets, "assets", report)


def _sizes(metadata: dict) -> dict:
    """Width, height and duration as the old backend kept them in `metadata`; values that are not numbers ignored."""
    sizes = {}
    for name, kind in (("width", int), ("height", int), ("duration", float)):
        try:
            value = kind(float(metadata[name]))
        except (KeyError, TypeError, ValueError, OverflowError):  # absent, or not a finite number
            continue
        if 0 < value < math.inf:
            sizes[name] = value
    return sizes


def _scenes_and_choices(old, scene_story, report) -> dict[ObjectId, ObjectId]:
    """Imports scenes laid out as Tidy up lays them out, then choices; returns scene id -> story id of scenes here."""
    assets = _existing(Asset)
    existing_scenes = dict(Scene.objects.values_list("pk", "scenario_id"))
    scenes = []
    for document in _new(Scene, old["scenes"], "scenes", report):
        story = scene_story.get(document["_id"])
        if story is None:
            report.skipped.append(f"scene {document['_id']}: its story is unknown")
            continue
        media = {
            f"{role}_id": media_id if (media_id := ref(document.get(f"{role}_id"))) in assets else None
            for role in MEDIA_ROLES
        }
        scenes.append(
            Scene(
                pk=document["_id"],
                scenario_id=story,
                title=document.get("title") or "Untitled",
                text=document.get("text") or "",
                order=document.get("order") or 0,
                is_start_scene=bool(document.get("is_start_scene")),
                is_end_scene=bool(document.get("is_end_scene")),
                ending_kind="neutral" if document.get("is_end_scene") else "",
                **_dates(document),
                **media,
            )
        )
    scene_stories = existing_scenes | {scene.pk: scene.scenario_id for scene in scenes}

    choices = []
    for document in _new(Choice, old["choices"], "choices", report):
        origin = ref(document.get("from_scene_id"))
        target = ref(document.get("to_scene_id"))
        if origin not in scene_stories or (target is not None and scene_stories.get(target) != scene_stories[origin]):
            report.skipped.append(f"choice {document['_id']}: its scenes are unknown or in different stories")
            continue
        condition = document.get("condition")
        choices.append(
            Choice(
                pk=document["_id"],
                scenario_id=scene_stories[origin],
                from_scene_id=origin,
                to_scene_id=target,
                text=document.get("text") or "…",
                condition=condition if isinstance(condition, dict) else {},
                order=document.get("order") or 0,
                **_dates(document),
            )
        )

    _lay_out(scenes, choices, report)
    _save(Scene, scenes, "scenes", report)
    _save(Choice, choices, "choices", report)
    return scene_stories


def _lay_out(scenes: list[Scene], choices: list[Choice], report) -> None:
    """Place the new scenes of each story with Tidy up's own layout, before they are written."""
    scenes_by_story, choices_by_story = defaultdict(list), defaultdict(list)
    for scene in scenes:
        scenes_by_story[scene.scenario_id].append(scene)
    for choice in choices:
        choices_by_story[choice.scenario_id].append(choice)
    for story_id, story_scenes in scenes_by_story.items():
        story = Story(
            scenario=Scenario(pk=story_id),
            scenes=sorted(story_scenes, key=_reading_order),
            choices=sorted(choices_by_story[story_id], key=_reading_order),
        )
        positions = layered_positions(story)
        for scene in story.scenes:
            scene.position_x, scene.position_y = positions[scene.pk]
        report.stories_laid_out += 1
        report.scenes_laid_out += len(story.scenes)


def _reading_order(document) -> tuple:
    """The order `load_story` hands scenes and choices to Tidy up in, so both lay a story out alike."""
    return (document.order, document.created_at)


def converted_history(document, scene_story: dict, story: ObjectId, choices: dict) -> tuple[list[HistoryEntry], int]:
    """Our history from the old one: the start, then each scene arrived at with the choice that led there.

    Old step i says "left scene s_i by choice c_i at t_i"; the scene it arrived at is the next step's scene,
    or the current scene after the last step. Returns the entries and how many steps went through scenes
    of no story here (dropped).
    """
    steps = [step for step in document.get("history") or [] if isinstance(step, dict)]
    current = ref(document.get("current_scene_id"))
    arrivals = [ref(step.get("scene_id")) for step in steps[1:]] + [current]
    start = ref(steps[0].get("scene_id")) if steps else current
    entries = [(start, None, document.get("created_at"), {})]
    entries += [
        (arrived, ref(step.get("choice_id")), step.get("timestamp"), step.get("metadata"))
        for step, arrived in zip(steps, arrivals)
    ]
    history = [
        HistoryEntry(
            scene_id=str(scene_id),
            choice_id=str(choice_id) if choices.get(choice_id) == story else "",
            timestamp=moment(timestamp),
            metadata=metadata if isinstance(metadata, dict) else {},
        )
        for scene_id, choice_id, timestamp, metadata in entries
        if scene_story.get(scene_id) == story
    ]
    return history, len(entries) - len(history)


def _progress(old, scene_story, report):
    users = _existing(User)
    choices = dict(Choice.objects.values_list("pk", "scenario_id"))
    taken = set(PlayerProgress.objects.values_list("user_id", "scenario_id"))
    progress = []
    for document in _new(PlayerProgress, old["player_progress"], "player_progress", report):
        user, story = ref(document.get("user_id")), ref(document.get("scenario_id"))
        current = ref(document.get("current_scene_id"))
        if user not in users or scene_story.get(current) != story or (user, story) in taken:
            report.skipped.append(f"progress {document['_id']}: unknown player, story or scene, or a duplicate")
            continue
        taken.add((user, story))
        history, dropped = converted_history(document, scene_story, story, choices)
        report.histories_converted += 1
        report.history_steps_dropped += dropped
        progress.append(
            PlayerProgress(
                pk=document["_id"],
                user_id=user,
                scenario_id=story,
                current_scene_id=current,
                history=history,
                is_completed=bool(document.get("is_completed")),
                completed_at=moment(document["completed_at"]) if document.get("completed_at") else None,
                total_time_spent=int(document.get("total_time_spent") or 0),
                **_dates(document),
            )
        )
    _save(PlayerProgress, progress, "player_progress", report)
