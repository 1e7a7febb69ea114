"""Whole-story backups: one zip with `story.json` (versioned) and the media files beside it."""

import io
import json
import zipfile
from datetime import UTC, datetime

from bson import ObjectId
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_mongodb_backend import transaction

from ..exceptions import StoryError, StoryRuleError
from ..models import Asset, AssetStatus, Choice, Scenario, Scene, User
from ..permissions import ensure_author, ensure_can_edit
from ..selectors import load_story, visible_assets
from .stories import check_choice, check_scene, unique_slug
from .twine import ExportedFile

BACKUP_FORMAT, BACKUP_VERSION = "story-studio-backup", 1
SCENARIO_FIELDS = ("title", "slug", "description", "language", "tags", "ifid", "twine", "is_published")
SCENE_FIELDS = ("title", "text", "order", "is_start_scene", "is_end_scene", "ending_kind", "tags", "position_x",
                "position_y")
ASSET_FIELDS = ("type", "name", "filename", "url", "file_size", "mime_type", "metadata", "is_public", "status",
                "provider", "model", "prompt", "duration", "width", "height")
MEDIA = ("image", "sound", "music")


def export_backup(*, editor: User, scenario: Scenario) -> ExportedFile:
    ensure_can_edit(editor, scenario)
    story = load_story(scenario)
    assets = _exported_assets(editor, story)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        asset_documents = []
        for asset in assets.values():
            document = {"id": str(asset.pk), **{name: getattr(asset, name) for name in ASSET_FIELDS}, "file": None}
            if asset.file and default_storage.exists(asset.file.name):
                document["file"] = f"media/{asset.pk}{_extension(asset.file.name)}"
                with default_storage.open(asset.file.name) as stored:
                    archive.writestr(document["file"], stored.read())
            asset_documents.append(document)
        document = {
            "format": BACKUP_FORMAT, "version": BACKUP_VERSION, "exported_at": datetime.now(UTC).isoformat(),
            "scenario": {"id": str(scenario.pk), **{name: getattr(scenario, name) for name in SCENARIO_FIELDS},
                         "cover_image": _id(_kept(scenario.cover_image_id, assets))},
            "scenes": [{"id": str(scene.pk), **{name: getattr(scene, name) for name in SCENE_FIELDS},
                        **{name: _id(_kept(getattr(scene, f"{name}_id"), assets)) for name in MEDIA}}
                       for scene in story.scenes],
            "choices": [{"id": str(choice.pk), "from_scene": str(choice.from_scene_id),
                         "to_scene": _id(choice.to_scene_id), "text": choice.text, "condition": choice.condition,
                         "order": choice.order} for choice in story.choices],
            "assets": asset_documents,
        }
        archive.writestr("story.json", json.dumps(document, ensure_ascii=False, indent=2))
    return ExportedFile(f"{scenario.slug}.story.zip", "application/zip", buffer.getvalue())


def _exported_assets(editor: User, story) -> dict:
    """The story's assets the editor may see: its own, and of others' only what `visible_assets` allows."""
    foreign = [pk for pk, asset in story.assets.items() if asset.scenario_id != story.scenario.pk]
    visible = set(visible_assets(editor).filter(pk__in=foreign).values_list("pk", flat=True)) if foreign else set()
    return {pk: asset for pk, asset in story.assets.items() if pk in visible or pk not in foreign}


def _kept(asset_id, assets: dict):
    """A media reference as exported: dropped when its asset is not in the export."""
    return asset_id if asset_id in assets else None


def import_backup(*, author: User, data: bytes, restore: bool = False) -> Scenario:
    """A backup as a new story (new ids), or with `restore` over a deleted story (its original ids)."""
    ensure_author(author)
    archive, document = _open(data)
    ids = _ids(document, restore)
    scenario, scenes, choices, assets, files = _documents(author, archive, document, ids)
    stored = []
    try:
        for asset, content in files:  # GridFS is written outside the database transaction
            asset.file.name = default_storage.save(f"backups/{asset.pk}{_extension(content[0])}",
                                                   ContentFile(content[1]))
            stored.append(asset.file.name)
        with transaction.atomic():
            Asset.objects.bulk_create(assets)
            scenario.save(force_insert=True)
            Scene.objects.bulk_create(scenes)
            Choice.objects.bulk_create(choices)
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    return scenario


def _open(data: bytes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        document = json.loads(archive.read("story.json"))
    except zipfile.BadZipFile:
        raise StoryRuleError("This file is not a zip archive: a backup is a .story.zip file.") from None
    except KeyError:
        raise StoryRuleError("This zip has no story.json: it is not a Story Studio backup.") from None
    except ValueError as error:
        raise StoryRuleError(f"story.json is not valid JSON ({error}).") from None
    if document.get("format") != BACKUP_FORMAT:
        raise StoryRuleError("story.json is not a Story Studio backup (its “format” is missing or different).")
    if document.get("version") != BACKUP_VERSION:
        raise StoryRuleError(f"This backup has version {document.get('version')}; this Story Studio reads version "
                             f"{BACKUP_VERSION}.")
    return archive, document


def _ids(document, restore: bool) -> dict[str, ObjectId]:
    """Old id -> new id (the same in `restore` mode, refused if any still exists)."""
    old = [document["scenario"]["id"], *(item["id"] for key in ("scenes", "choices", "assets")
                                        for item in document[key])]
    if not restore:
        return {value: ObjectId() for value in old}
    if Scenario.objects.filter(pk=ObjectId(document["scenario"]["id"])).exists():
        raise StoryRuleError("This story still exists: import the backup as a copy instead of restoring it.")
    ids = {value: ObjectId(value) for value in old}
    _refuse_taken_ids(document, ids)
    return ids


def _refuse_taken_ids(document, ids: dict[str, ObjectId]) -> None:
    """A restore keeps the backup's ids: refuse it, before any write, if a document already has one of them."""
    for key, model in (("scenes", Scene), ("choices", Choice), ("assets", Asset)):
        wanted = [ids[item["id"]] for item in document[key]]
        for start in range(0, len(wanted), 50):  # short $in lists: long ones are slow on the embedded server
            if model.objects.filter(pk__in=wanted[start:start + 50]).exists():
                raise StoryRuleError(
                    f"This backup cannot be restored: some of its {key} have ids already used by other documents "
                    "(another story, or an earlier restore). Import it as a copy instead: it gets new ids.")


def _documents(author, archive, document, ids):
    def new(value, what):
        if value is None:
            return None
        if value not in ids:
            raise StoryRuleError(f"story.json refers to a {what} “{value}” that it does not contain.")
        return ids[value]

    files, assets = [], []
    for item in document["assets"]:
        asset = Asset(pk=ids[item["id"]], uploaded_by=author, scenario_id=ids[document["scenario"]["id"]],
                      **{name: item.get(name) for name in ASSET_FIELDS if item.get(name) is not None})
        if item.get("file"):
            try:
                files.append((asset, (item["file"], archive.read(item["file"]))))
            except KeyError:
                raise StoryRuleError(f"The backup lists {item['file']} but does not contain it.") from None
        elif asset.status != AssetStatus.READY:
            asset.status = AssetStatus.FAILED
        assets.append(asset)
    source = document["scenario"]
    scenario = Scenario(pk=ids[source["id"]], author=author, cover_image_id=new(source.get("cover_image"), "asset"),
                        **{name: source[name] for name in SCENARIO_FIELDS if name in source})
    if Scenario.objects.filter(slug=scenario.slug).exists():
        scenario.slug = unique_slug(scenario.title)
    scenario.is_published = False
    assets_by_id = {asset.pk: asset for asset in assets}
    scenes = []
    for item in document["scenes"]:
        media = {name: assets_by_id.get(new(item.get(name), "asset")) for name in MEDIA}
        scene = Scene(pk=ids[item["id"]], scenario=scenario, **media,
                      **{name: item[name] for name in SCENE_FIELDS if name in item})
        _check(check_scene, scene, f"scene “{scene.title}”")
        scenes.append(scene)
    by_id = {scene.pk: scene for scene in scenes}
    choices = []
    for item in document["choices"]:
        choice = Choice(pk=ids[item["id"]], scenario=scenario, from_scene=by_id.get(new(item["from_scene"], "scene")),
                        to_scene=by_id.get(new(item.get("to_scene"), "scene")), text=item["text"],
                        condition=item.get("condition") or {}, order=item.get("order", 0))
        if choice.from_scene is None:
            raise StoryRuleError(f"The choice “{choice.text}” starts from no scene of the backup.")
        _check(check_choice, choice, f"choice “{choice.text}”")
        choices.append(choice)
    return scenario, scenes, choices, assets, files


def _check(check, document, what):
    try:
        check(document)
    except StoryError as error:
        raise StoryRuleError(f"The backup's {what} is refused: {error.message}") from None


def _id(value) -> str | None:
    return str(value) if value else None


def _extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[1] if "." in name.rsplit("/", 1)[-1] else ""
