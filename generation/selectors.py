"""Reads about a scene's media: what it shows now, and what is being made or failed for it."""

from dataclasses import dataclass

from story_admin.models import Asset, AssetStatus, AssetType, Scene

SLOTS = (("image", "Image", AssetType.IMAGE), ("sound", "Narration", AssetType.SOUND),
         ("music", "Music", AssetType.MUSIC))


@dataclass(frozen=True)
class MediaSlot:
    field: str
    label: str
    current: Asset | None
    pending: Asset | None
    failed: Asset | None


def scene_media(scene: Scene) -> list[MediaSlot]:
    """One query for the scene's generated or uploaded assets, newest first."""
    recent = list(Asset.objects.filter(scene=scene).order_by("-created_at")[:30])
    slots = []
    for field, label, asset_type in SLOTS:
        of_kind = [asset for asset in recent if asset.type == asset_type]
        latest = of_kind[0] if of_kind else None
        slots.append(MediaSlot(
            field=field, label=label, current=getattr(scene, field),
            pending=latest if latest and latest.status in (AssetStatus.QUEUED, AssetStatus.RUNNING) else None,
            failed=latest if latest and latest.status == AssetStatus.FAILED else None,
        ))
    return slots


def any_pending(slots: list[MediaSlot]) -> bool:
    return any(slot.pending for slot in slots)
