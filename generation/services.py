"""Asking for generated media: one entry point for the API, the studio and the admin."""

from story_admin.exceptions import StoryRuleError
from story_admin.models import Asset, AssetStatus, AssetType, Scene, User
from story_admin.permissions import ensure_author, ensure_can_edit

KINDS = {"image": AssetType.IMAGE, "sound": AssetType.SOUND, "narration": AssetType.SOUND, "music": AssetType.MUSIC}


def request_generation(*, requester: User, kind: str, name: str = "", prompt: str = "", scene: Scene | None = None,
                       metadata: dict | None = None) -> Asset:
    """Record a queued asset for a generation job (the worker side lands with the media issue)."""
    ensure_author(requester)
    if kind not in KINDS:
        raise StoryRuleError(f"Media kind must be one of: {', '.join(sorted(KINDS))}.")
    if scene is not None:
        ensure_can_edit(requester, scene.scenario)
        prompt = prompt or (scene.text if kind != "image" else f"{scene.title}. {scene.text}")
        name = name or f"{scene.title} ({kind})"
    if not (name or "").strip():
        raise StoryRuleError("Give the media a name.", field_errors={"name": ["Required."]})
    return Asset.objects.create(
        type=KINDS[kind], name=name.strip()[:255], uploaded_by=requester, status=AssetStatus.QUEUED,
        scene=scene, scenario_id=scene.scenario_id if scene else None, prompt=prompt or "",
        metadata=metadata or {}, is_public=scene is None,
    )
