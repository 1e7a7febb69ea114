"""The rq job functions: load the asset, call its provider, store the file, attach it to the scene."""

import logging

from bson import ObjectId
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from rq import get_current_job

from story_admin.services.scenes import update_scene
from story_admin.exceptions import StoryError
from story_admin.models import Asset, AssetStatus, MediaKind

from .media_files import inspect_media
from .providers.base import MediaRequest, NotSetUpError, ProviderError, TransientProviderError
from .providers.registry import provider_for

logger = logging.getLogger(__name__)


def generate_asset(asset_id: str) -> str:
    """Generate one asset. Running it twice leaves one file and one ready asset."""
    asset = Asset.objects.select_related("scene", "scenario", "uploaded_by").filter(pk=ObjectId(asset_id)).first()
    if asset is None:
        logger.warning("Asset %s was deleted before its job ran", asset_id)
        return "deleted"
    if asset.status == AssetStatus.READY:
        return "already ready"
    _update(asset, status=AssetStatus.RUNNING, error="")
    try:
        result = provider_for(asset.type).generate(
            _request(asset), progress=lambda fraction, note: _progress(asset, fraction, note)
        )
        facts = inspect_media(result.data, expected=MediaKind(asset.type).media)
    except Exception as error:
        if isinstance(error, (ProviderError, StoryError)) and not isinstance(error, TransientProviderError):
            logger.warning("Generating asset %s failed: %s", asset_id, error)
            # It would fail the same way again: the studio offers no Retry (and says "not set up" for NotSetUpError).
            _update(
                asset,
                status=AssetStatus.FAILED,
                error=str(getattr(error, "message", error)),
                metadata={**asset.metadata, "will_repeat": True, "not_set_up": isinstance(error, NotSetUpError)},
            )
            return "failed"
        if not isinstance(error, TransientProviderError):
            logger.exception("Generating asset %s broke", asset_id)
        job = get_current_job()
        retrying = bool(job is not None and job.retries_left)
        _update(
            asset,
            status=AssetStatus.QUEUED if retrying else AssetStatus.FAILED,
            error=f"Retrying: {error}" if retrying else str(error),
        )
        raise

    name = f"generated/{asset.pk}.{facts.extension}"
    default_storage.delete(name)
    default_storage.save(name, ContentFile(result.data))
    _update(
        asset,
        status=AssetStatus.READY,
        error="",
        file=name,
        filename=name.rsplit("/", 1)[1],
        file_size=facts.size,
        mime_type=facts.mime_type,
        width=facts.width,
        height=facts.height,
        duration=facts.duration,
        provider=result.provider,
        model=result.model,
        metadata={**asset.metadata, **result.metadata, "progress": 1.0},
    )
    if asset.scene_id:
        update_scene(editor=asset.uploaded_by, scene=asset.scene, **{MediaKind(asset.type).field: asset})
    return "ready"


def mark_failed(job, connection, error_type, error, traceback):
    """rq's on_failure callback, also run for a job whose worker died: the asset is never left running."""
    asset = Asset.objects.filter(pk=ObjectId(job.args[0])).first()
    if asset is None or asset.status == AssetStatus.READY:
        return
    reason = str(error) or (
        "The worker stopped in the middle of the job."
        if error_type.__name__ == "AbandonedJobError"
        else error_type.__name__
    )
    if job.retries_left:
        _update(asset, status=AssetStatus.QUEUED, error=f"Retrying: {reason}")
    else:
        _update(asset, status=AssetStatus.FAILED, error=reason)


def _request(asset: Asset) -> MediaRequest:
    language = (asset.scenario.language if asset.scenario_id else asset.metadata.get("language")) or "en"
    return MediaRequest(
        prompt=asset.prompt or asset.name, language=language.split("-")[0], duration=asset.metadata.get("duration")
    )


def _progress(asset: Asset, fraction, note: str) -> None:
    asset.metadata = {**asset.metadata, "progress": fraction, "progress_note": note}
    Asset.objects.filter(pk=asset.pk).update(metadata=asset.metadata)


def _update(asset: Asset, **fields) -> None:
    for name, value in fields.items():
        setattr(asset, name, value)
    asset.save(update_fields=[*fields, "updated_at"])
