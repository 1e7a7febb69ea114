"""Authors' own files attached to a scene: checked from their bytes, stored like generated media."""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from story_admin.services.scenes import update_scene
from story_admin.services.stories import update_scenario
from story_admin.exceptions import StoryRuleError
from story_admin.models import Asset, AssetStatus, AssetType, MediaKind, Scenario, Scene, User
from story_admin.permissions import ensure_can_edit

from .media_files import inspect_media


def media_name(scene: Scene, extension: str) -> str:
    return f"scenes/{scene.scenario_id}/{scene.pk}/{uuid.uuid4().hex}.{extension}"


def attach_upload(*, editor: User, scene: Scene, kind: str, filename: str, data: bytes) -> Asset:
    """Store an uploaded file and make it the scene's image, narration or music."""
    ensure_can_edit(editor, scene.scenario)
    media_kind = MediaKind.parse(kind, what="kind")
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise StoryRuleError(f"The file is larger than {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    facts = inspect_media(data, expected=media_kind.media)
    stored_name = default_storage.save(media_name(scene, facts.extension), ContentFile(data))
    try:
        asset = Asset.objects.create(
            type=media_kind.asset_type,
            name=(filename or stored_name)[:255],
            filename=(filename or "")[:255],
            file=stored_name,
            file_size=facts.size,
            mime_type=facts.mime_type,
            uploaded_by=editor,
            scenario_id=scene.scenario_id,
            scene=scene,
            status=AssetStatus.READY,
            provider="upload",
            width=facts.width,
            height=facts.height,
            duration=facts.duration,
            is_public=False,
        )
        update_scene(editor=editor, scene=scene, **{media_kind.field: asset})
    except Exception:
        default_storage.delete(stored_name)
        raise
    return asset


def set_cover_upload(*, editor: User, scenario: Scenario, filename: str, data: bytes) -> Asset:
    """Store an uploaded image and make it the story's cover."""
    ensure_can_edit(editor, scenario)
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise StoryRuleError(
            f"The file is larger than {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
            field_errors={"cover": ["This file is too large."]},
        )
    try:
        facts = inspect_media(data, expected="image")
    except StoryRuleError as error:
        raise StoryRuleError(error.message, field_errors={"cover": [error.message]}) from None
    stored_name = default_storage.save(f"stories/{scenario.pk}/{uuid.uuid4().hex}.{facts.extension}", ContentFile(data))
    try:
        asset = Asset.objects.create(
            type=AssetType.IMAGE,
            name=(filename or stored_name)[:255],
            filename=(filename or "")[:255],
            file=stored_name,
            file_size=facts.size,
            mime_type=facts.mime_type,
            uploaded_by=editor,
            scenario_id=scenario.pk,
            status=AssetStatus.READY,
            provider="upload",
            width=facts.width,
            height=facts.height,
            is_public=False,
        )
        update_scenario(editor=editor, scenario=scenario, cover_image=asset)
    except Exception:
        default_storage.delete(stored_name)
        raise
    return asset
