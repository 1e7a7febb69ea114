"""Asking for generated media: one entry point for the API, the studio and the admin."""

import logging
import time
from dataclasses import dataclass

import django_rq
from django.conf import settings
from django_mongodb_backend import transaction
from redis.exceptions import RedisError
from rq import Callback, Retry

from story_admin.exceptions import ErrorCode, StoryError, StoryRuleError
from story_admin.models import Asset, AssetStatus, AssetType, MediaKind, Scenario, Scene, User
from story_admin.permissions import ensure_author, ensure_can_edit

from .jobs import generate_asset, mark_failed
from .providers.registry import NOT_SET_UP, setup_problem

logger = logging.getLogger(__name__)

# One queue per kind, so slow music never blocks narration.
QUEUES = {AssetType.IMAGE: "image", AssetType.SOUND: "sound", AssetType.MUSIC: "music"}
TIMEOUTS = {AssetType.IMAGE: 600, AssetType.SOUND: 300, AssetType.MUSIC: 1800}


class GenerationUnavailable(StoryError):
    code = ErrorCode.SERVICE_UNAVAILABLE


class QuotaUsedUp(StoryRuleError):
    """The author asked for as many media as a quota allows."""


def request_generation(
    *,
    requester: User,
    kind: str,
    name: str = "",
    prompt: str = "",
    scene: Scene | None = None,
    metadata: dict | None = None,
) -> Asset:
    """Record a queued asset and enqueue its job; the scene keeps its current media until the new one is ready."""
    ensure_author(requester)
    media_kind = MediaKind.parse(kind)
    if scene is not None:
        ensure_can_edit(requester, scene.scenario)
        prompt = prompt or (scene.text if media_kind is not MediaKind.IMAGE else f"{scene.title}. {scene.text}")
        name = name or f"{scene.title} ({kind})"
    if not (name or "").strip():
        raise StoryRuleError("Give the media a name.", field_errors={"name": ["Required."]})
    asset_type = media_kind.asset_type
    if asset_type is AssetType.SOUND and len(prompt or "") > settings.NARRATION_MAX_CHARACTERS:
        raise StoryRuleError(
            f"A narration reads at most {settings.NARRATION_MAX_CHARACTERS:,} characters; this text has "
            f"{len(prompt):,}. Split the scene, or narrate a shorter text.",
            field_errors={"prompt": ["Too long."]},
        )
    claim_generation(requester)
    asset = Asset.objects.create(
        type=asset_type,
        name=name.strip()[:255],
        uploaded_by=requester,
        status=AssetStatus.QUEUED,
        scene=scene,
        scenario_id=scene.scenario_id if scene else None,
        prompt=prompt or "",
        metadata=metadata or {},
        is_public=False,  # private until a published story uses it
    )
    # Inside a transaction, the worker must not look for the asset before it is committed.
    transaction.on_commit(lambda: enqueue(asset))
    return asset


def claim_generation(requester: User) -> None:
    """Count one more request against the author's quotas (per minute and per day), atomically in Redis;
    refuse, saying when to try again, once a quota is used up. Superusers have none."""
    if requester.is_superuser:
        return
    now = int(time.time())
    try:
        connection = django_rq.get_connection("default")
        for seconds, limit, wait in (
            (60, settings.GENERATION_PER_MINUTE, "a minute"),
            (86400, settings.GENERATION_PER_DAY, "tomorrow"),
        ):
            key = f"generation-quota:{requester.pk}:{seconds}:{now // seconds}"
            used, _ = connection.pipeline().incr(key).expire(key, seconds).execute()
            if used > limit:
                raise QuotaUsedUp(
                    f"You asked for {limit} media in {'a minute' if seconds == 60 else 'a day'}, "
                    f"the most one author may: try again {'in ' if seconds == 60 else ''}{wait}."
                )
    except RedisError as error:
        # Without Redis the job cannot be queued either: enqueue() records that on the asset and says so.
        logger.warning("Could not count a generation request of %s against its quota: %s", requester.pk, error)


def enqueue(asset: Asset) -> None:
    queue_name = QUEUES[asset.type]
    try:
        django_rq.get_queue(queue_name).enqueue(
            generate_asset,
            str(asset.pk),
            job_id=f"asset-{asset.pk}",
            job_timeout=TIMEOUTS[asset.type],
            retry=Retry(max=2, interval=[10, 60]),
            on_failure=Callback(mark_failed),
            description=f"Generate {asset.type} “{asset.name}”",
        )
    except RedisError as error:
        logger.error("Could not queue asset %s on %r: %s", asset.pk, queue_name, error)
        asset.status, asset.error = AssetStatus.FAILED, "The job queue (Redis) could not be reached."
        asset.save(update_fields=["status", "error", "updated_at"])
        raise GenerationUnavailable(
            "Media generation is unavailable right now (the job queue cannot be reached); "
            "your other changes are saved. Try again in a moment."
        ) from error


@dataclass(frozen=True)
class NarrationRun:
    """What one "Narrate every scene" queued, and what it left for later."""

    queued: int
    too_long: list[str]  # titles of the scenes whose text is longer than a narration reads
    quota_left: int  # scenes not queued because the author's quota is used up (click again later)
    quota_message: str = ""


def narrate_story(*, requester: User, scenario: Scenario) -> NarrationRun:
    """Queue narration for every scene of the story that has text and neither a narration nor one on its way.

    Asking again while the jobs run queues nothing twice: a scene with a queued or running narration is skipped.
    Each scene counts against the author's quota; once it is used up, the rest wait for the next click."""
    ensure_can_edit(requester, scenario)
    if setup_problem(AssetType.SOUND):
        raise GenerationUnavailable(NOT_SET_UP[AssetType.SOUND])
    waiting = set(
        Asset.objects.filter(
            scenario=scenario, type=AssetType.SOUND, status__in=(AssetStatus.QUEUED, AssetStatus.RUNNING)
        )
        .order_by()
        .values_list("scene_id", flat=True)
    )
    scenes = sorted(
        (
            scene
            for scene in Scene.objects.filter(scenario=scenario).order_by()
            if scene.sound_id is None and scene.pk not in waiting and scene.text.strip()
        ),
        key=lambda scene: (scene.order, scene.created_at),
    )
    too_long = [scene.title for scene in scenes if len(scene.text) > settings.NARRATION_MAX_CHARACTERS]
    queued = 0
    for index, scene in enumerate(scene for scene in scenes if len(scene.text) <= settings.NARRATION_MAX_CHARACTERS):
        scene.scenario = scenario
        try:
            request_generation(requester=requester, kind=MediaKind.NARRATION.value, scene=scene)
        except QuotaUsedUp as error:
            left = len(scenes) - len(too_long) - index
            return NarrationRun(queued=queued, too_long=too_long, quota_left=left, quota_message=error.message)
        queued += 1
    return NarrationRun(queued=queued, too_long=too_long, quota_left=0)
