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


@dataclass(frozen=True)
class NarrationProgress:
    """How far the narration of a whole story is: one progress bar for "Narrate every scene"."""

    scenes: int  # scenes that have text to read, or a narration already
    narrated: int
    waiting: int  # scenes whose narration is queued or being made
    failed: int  # scenes whose latest narration failed and that have none

    @property
    def running(self) -> bool:
        return bool(self.waiting)


def story_narration(scenario) -> NarrationProgress:
    """Two equality queries on the story: its scenes, and its narration assets newest first."""
    scenes = list(Scene.objects.filter(scenario=scenario).order_by().only("text", "sound_id"))
    latest: dict = {}
    for scene_id, status in (
        Asset.objects.filter(scenario=scenario, type=AssetType.SOUND)
        .order_by("-created_at")
        .values_list("scene_id", "status")
    ):
        latest.setdefault(scene_id, status)
    counted = [scene for scene in scenes if scene.sound_id or scene.text.strip()]
    waiting = sum(1 for scene in counted if latest.get(scene.pk) in (AssetStatus.QUEUED, AssetStatus.RUNNING))
    return NarrationProgress(
        scenes=len(counted),
        narrated=sum(1 for scene in counted if scene.sound_id),
        waiting=waiting,
        failed=sum(1 for scene in counted if not scene.sound_id and latest.get(scene.pk) == AssetStatus.FAILED),
    )
