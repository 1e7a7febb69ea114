"""Reads about a scene's media: what it shows now, and what is being made or failed for it."""

import logging
from dataclasses import dataclass

from story_admin.models import Asset, AssetStatus, AssetType, Scene

from .providers.registry import NOT_SET_UP, setup_problem

logger = logging.getLogger(__name__)
_logged: set[str] = set()

SLOTS = (
    ("image", "Image", AssetType.IMAGE),
    ("sound", "Narration", AssetType.SOUND),
    ("music", "Music", AssetType.MUSIC),
)


@dataclass(frozen=True)
class MediaSlot:
    field: str
    label: str
    current: Asset | None
    pending: Asset | None
    failed: Asset | None
    not_set_up: str = ""  # the sentence for authors when the server cannot make this kind of media

    @property
    def can_retry(self) -> bool:
        """A failure that would repeat (not set up, refused) gets no Retry."""
        return bool(self.failed and not self.failed.metadata.get("will_repeat"))

    @property
    def failure(self) -> str:
        if not self.failed:
            return ""
        if self.failed.metadata.get("not_set_up"):
            return NOT_SET_UP[self.failed.type]
        return self.failed.error


def not_set_up(asset_type: str) -> str:
    """The authors' sentence for a kind of media the server cannot make; the technical reason goes to the log."""
    problem = setup_problem(asset_type)
    if not problem:
        return ""
    if problem not in _logged:  # once per process, not on every panel
        _logged.add(problem)
        logger.warning("%s generation is offered disabled to authors: %s", asset_type, problem)
    return NOT_SET_UP[asset_type]


def scene_media(scene: Scene) -> list[MediaSlot]:
    """One query for the scene's generated or uploaded assets, newest first."""
    recent = list(Asset.objects.filter(scene=scene).order_by("-created_at")[:30])
    slots = []
    for field, label, asset_type in SLOTS:
        of_kind = [asset for asset in recent if asset.type == asset_type]
        latest = of_kind[0] if of_kind else None
        slots.append(
            MediaSlot(
                field=field,
                label=label,
                current=getattr(scene, field),
                pending=latest if latest and latest.status in (AssetStatus.QUEUED, AssetStatus.RUNNING) else None,
                failed=latest if latest and latest.status == AssetStatus.FAILED else None,
                not_set_up=not_set_up(asset_type),
            )
        )
    return slots


def any_pending(slots: list[MediaSlot]) -> bool:
    return any(slot.pending for slot in slots)
