"""Whole-story backups: one zip with `story.json` (versioned) and the media files beside it.

An imported zip is a stranger's file: its members' declared sizes and compression ratios are
checked before a byte is expanded, expansion is streamed against a running cap (MAX_UPLOAD_BYTES
for the whole backup), nested archives are refused, and every media file is checked from its
bytes by the same checker as uploads (its MIME type and size in story.json are not believed).
"""

import io
import json
import zipfile
import zlib
from datetime import UTC, datetime

import filetype
from bson import ObjectId
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_mongodb_backend import transaction

from ..exceptions import StoryError, StoryRuleError
from ..media_files import inspect_media
from ..models import Asset, AssetStatus, AssetType, Choice, Scenario, Scene, User
from ..permissions import ensure_author, ensure_can_edit
from ..selectors import load_story, visible_assets
from ..state.engine import check_effects
from ..state.schema import check_declarations, with_scene_ids
from .assets import is_web_address
from .choices import check_choice
from .scenes import check_scene
from .stories import unique_slug
from .twine import ExportedFile

# Version 2 adds the story's state: variables, items and allow_rerolls on the story, effects on scenes,
# effects and locked_reason on choices. Version 1 files still import (a story without state).
BACKUP_FORMAT, BACKUP_VERSION, READABLE_VERSIONS = "story-studio-backup", 2, (1, 2)
SCENARIO_FIELDS = (
    "title",
    "slug",
    "description",
    "language",
    "tags",
    "ifid",
    "twine",
    "is_published",
    "variables",
    "items",
    "allow_rerolls",
    "allow_back",
)
SCENE_FIELDS = (
    "title",
    "text",
    "order",
    "is_start_scene",
    "is_end_scene",
    "ending_kind",
    "tags",
    "position_x",
    "position_y",
    "effects",
)
ASSET_FIELDS = (
    "type",
    "name",
    "filename",
    "url",
    "file_size",
    "mime_type",
    "metadata",
    "is_public",
    "status",
    "provider",
    "model",
    "prompt",
    "duration",
    "width",
    "height",
)
MEDIA = ("image", "sound", "music")
MEDIA_KIND = {AssetType.IMAGE: "image", AssetType.SOUND: "audio", AssetType.MUSIC: "audio"}
ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".zst", ".lz4", ".br")
RATIO_CHECKED_FROM = 1024 * 1024  # small members (a short story.json) may compress very well, harmlessly
CHUNK = 64 * 1024


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
            "format": BACKUP_FORMAT,
            "version": BACKUP_VERSION,
            "exported_at": datetime.now(UTC).isoformat(),
            "scenario": {
                "id": str(scenario.pk),
                **{name: getattr(scenario, name) for name in SCENARIO_FIELDS},
                "cover_image": _id(_kept(scenario.cover_image_id, assets)),
            },
            "scenes": [
                {
                    "id": str(scene.pk),
                    **{name: getattr(scene, name) for name in SCENE_FIELDS},
                    **{name: _id(_kept(getattr(scene, f"{name}_id"), assets)) for name in MEDIA},
                }
                for scene in story.scenes
            ],
            "choices": [
                {
                    "id": str(choice.pk),
                    "from_scene": str(choice.from_scene_id),
                    "to_scene": _id(choice.to_scene_id),
                    "text": choice.text,
                    "condition": choice.condition,
                    "locked_reason": choice.locked_reason,
                    "effects": choice.effects,
                    "order": choice.order,
                }
                for choice in story.choices
            ],
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
        for asset, extension, content in files:  # GridFS is written outside the database transaction
            asset.file.name = default_storage.save(f"backups/{asset.pk}.{extension}", ContentFile(content))
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


class _Members:
    """Reads members of a checked zip, all of them together at most MAX_UPLOAD_BYTES expanded."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.budget = settings.MAX_UPLOAD_BYTES

    def read(self, name: str) -> bytes:
        """The member's bytes (KeyError if there is none of that name)."""
        chunks = []
        try:
            with self.archive.open(name) as member:
                while chunk := member.read(CHUNK):
                    self.budget -= len(chunk)
                    if self.budget < 0:
                        raise StoryRuleError(
                            f"This backup expands to more than {_megabytes()} MB of files: "
                            f"refused (the limit is MAX_UPLOAD_BYTES)."
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
            raise StoryRuleError(
                f"“{name}” in this backup is damaged or encrypted and cannot be read ({error})."
            ) from None
        content = b"".join(chunks)
        if filetype.is_archive(content):
            raise StoryRuleError(f"“{name}” in this backup is itself an archive: archives inside a backup are refused.")
        return content


def _checked_archive(data: bytes) -> zipfile.ZipFile:
    """The zip, once its declared sizes say it is no bomb: nothing is expanded here."""
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise StoryRuleError(f"This backup is larger than {_megabytes()} MB.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise StoryRuleError("This file is not a zip archive: a backup is a .story.zip file.") from None
    members = archive.infolist()
    if len(members) > settings.BACKUP_MAX_FILES:
        raise StoryRuleError(
            f"This backup holds {len(members)} files; a backup may hold at most {settings.BACKUP_MAX_FILES}."
        )
    declared = sum(member.file_size for member in members)
    if declared > settings.MAX_UPLOAD_BYTES:
        raise StoryRuleError(
            f"This backup would expand to {declared / (1024 * 1024):.0f} MB of files; a backup "
            f"may hold at most {_megabytes()} MB."
        )
    ratio = settings.BACKUP_MAX_COMPRESSION_RATIO
    for member in members:
        if member.filename.lower().endswith(ARCHIVE_SUFFIXES):
            raise StoryRuleError(
                f"“{member.filename}” in this backup is an archive: archives inside a backup are refused."
            )
        if member.file_size > RATIO_CHECKED_FROM and member.file_size > ratio * max(member.compress_size, 1):
            raise StoryRuleError(
                f"“{member.filename}” in this backup expands more than {ratio} times (a zip bomb): refused."
            )
    return archive


def _megabytes() -> int:
    return settings.MAX_UPLOAD_BYTES // (1024 * 1024)


def _open(data: bytes):
    archive = _Members(_checked_archive(data))
    try:
        document = json.loads(archive.read("story.json"))
    except KeyError:
        raise StoryRuleError("This zip has no story.json: it is not a Story Studio backup.") from None
    except ValueError as error:
        raise StoryRuleError(f"story.json is not valid JSON ({error}).") from None
    except RecursionError:
        raise StoryRuleError("story.json nests too deeply to be a Story Studio backup.") from None
    if document.get("format") != BACKUP_FORMAT:
        raise StoryRuleError("story.json is not a Story Studio backup (its “format” is missing or different).")
    if document.get("version") not in READABLE_VERSIONS:
        raise StoryRuleError(
            f"This backup has version {document.get('version')}; this Story Studio reads versions "
            f"{' and '.join(map(str, READABLE_VERSIONS))}."
        )
    return archive, document


def _ids(document, restore: bool) -> dict[str, ObjectId]:
    """Old id -> new id (the same in `restore` mode, refused if any still exists)."""
    old = [
        document["scenario"]["id"],
        *(item["id"] for key in ("scenes", "choices", "assets") for item in document[key]),
    ]
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
            if model.objects.filter(pk__in=wanted[start : start + 50]).exists():
                raise StoryRuleError(
                    f"This backup cannot be restored: some of its {key} have ids already used by other documents "
                    "(another story, or an earlier restore). Import it as a copy instead: it gets new ids."
                )


def _documents(author, archive, document, ids):
    def new(value, what):
        if value is None:
            return None
        if value not in ids:
            raise StoryRuleError(f"story.json refers to a {what} “{value}” that it does not contain.")
        return ids[value]

    files, assets = [], []
    for item in document["assets"]:
        asset = Asset(
            pk=ids[item["id"]],
            uploaded_by=author,
            scenario_id=ids[document["scenario"]["id"]],
            **{name: item.get(name) for name in ASSET_FIELDS if item.get(name) is not None},
        )
        if asset.url and not is_web_address(asset.url):
            raise StoryRuleError(
                f"The backup's asset “{asset.name}” has the address “{asset.url[:80]}”: an asset's "
                f"url must start with http:// or https://."
            )
        if item.get("file"):
            try:
                content = archive.read(item["file"])
            except KeyError:
                raise StoryRuleError(f"The backup lists {item['file']} but does not contain it.") from None
            facts = _media_facts(asset, item["file"], content)
            asset.mime_type, asset.file_size = facts.mime_type, facts.size
            asset.width, asset.height, asset.duration = facts.width, facts.height, facts.duration
            files.append((asset, facts.extension, content))
        elif asset.status != AssetStatus.READY:
            asset.status = AssetStatus.FAILED
        assets.append(asset)
    source = document["scenario"]
    scenario = Scenario(
        pk=ids[source["id"]],
        author=author,
        cover_image_id=new(source.get("cover_image"), "asset"),
        **{name: source[name] for name in SCENARIO_FIELDS if name in source},
    )
    if Scenario.objects.filter(slug=scenario.slug).exists():
        scenario.slug = unique_slug(scenario.title)
    scenario.is_published = False
    scenario.variables, scenario.items = scenario.variables or [], scenario.items or []
    schema = check_declarations(scenario.variables, scenario.items)
    # visited("…") names scenes by id: follow them to their ids in this copy.
    scene_ids = {old: str(ids[old]) for old in (item["id"] for item in document["scenes"]) if old in ids}
    assets_by_id = {asset.pk: asset for asset in assets}
    scenes = []
    for item in document["scenes"]:
        media = {name: assets_by_id.get(new(item.get(name), "asset")) for name in MEDIA}
        scene = Scene(
            pk=ids[item["id"]],
            scenario=scenario,
            **media,
            **{name: item[name] for name in SCENE_FIELDS if name in item},
        )
        scene.effects = with_scene_ids(scene.effects or [], scene_ids)
        _check(lambda checked: check_effects(checked.effects, schema), scene, f"the effects of scene “{scene.title}”")
        _check(check_scene, scene, f"scene “{scene.title}”")
        scenes.append(scene)
    by_id = {scene.pk: scene for scene in scenes}
    choices = []
    for item in document["choices"]:
        choice = Choice(
            pk=ids[item["id"]],
            scenario=scenario,
            from_scene=by_id.get(new(item["from_scene"], "scene")),
            to_scene=by_id.get(new(item.get("to_scene"), "scene")),
            text=item["text"],
            condition=with_scene_ids(item.get("condition") or {}, scene_ids),
            order=item.get("order", 0),
            locked_reason=item.get("locked_reason") or "",
            effects=with_scene_ids(item.get("effects") or [], scene_ids),
        )
        _check(lambda checked: check_effects(checked.effects, schema), choice, f"the effects of choice “{choice.text}”")
        if choice.from_scene is None:
            raise StoryRuleError(f"The choice “{choice.text}” starts from no scene of the backup.")
        _check(check_choice, choice, f"choice “{choice.text}”")
        choices.append(choice)
    return scenario, scenes, choices, assets, files


def _media_facts(asset: Asset, name: str, content: bytes):
    """The file checked from its bytes as an upload would be; refused with the asset named."""
    what = f"The backup's {asset.type} asset “{asset.name or asset.filename or name}” ({name})"
    if asset.type not in MEDIA_KIND:
        raise StoryRuleError(f"{what} is refused: only image, narration and music assets may carry a file.")
    try:
        return inspect_media(content, expected=MEDIA_KIND[asset.type])
    except StoryError as error:
        raise StoryRuleError(f"{what} is refused: {error.message}") from None


def _check(check, document, what):
    try:
        check(document)
    except StoryError as error:
        raise StoryRuleError(f"The backup's {what} is refused: {error.message}") from None


def _id(value) -> str | None:
    return str(value) if value else None


def _extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[1] if "." in name.rsplit("/", 1)[-1] else ""
