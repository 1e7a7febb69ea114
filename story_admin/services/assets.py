"""Registering and editing assets by hand (generation and uploads come through `generation`)."""

import logging

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django_mongodb_backend import transaction

from ..exceptions import PermissionDenied, StoryRuleError
from ..models import Asset, AssetStatus, User
from ..permissions import can_edit_story, ensure_author
from ..selectors import get_visible_asset
from ._validation import validate_fields

logger = logging.getLogger(__name__)

WEB_ADDRESS = URLValidator(schemes=["http", "https"])
ASSET_FIELDS = {"name", "url", "metadata", "is_public", "filename", "mime_type", "file_size", "type", "scenario"}


def register_asset(*, owner: User, type: str, name: str, url: str = "", filename: str = "", **fields) -> Asset:
    """Record a media file that lives at an address (the old API's createAsset)."""
    ensure_author(owner)
    _refuse_unknown(fields)
    asset = Asset(
        uploaded_by=owner,
        type=type,
        name=(name or "").strip(),
        url=url or "",
        filename=filename or "",
        status=AssetStatus.READY,
        **fields,
    )
    check_asset(asset, editor=owner)
    asset.save()
    return asset


def update_asset(*, editor: User, asset: Asset, **changes) -> Asset:
    ensure_can_edit_asset(editor, asset)
    _refuse_unknown(changes)
    for name, value in changes.items():
        setattr(asset, name, value)
    check_asset(asset, editor=editor)
    asset.save()
    return asset


def delete_asset(*, editor: User, asset: Asset) -> None:
    """Delete an asset and its stored file; scenes and stories that used it are left without it."""
    ensure_can_edit_asset(editor, asset)
    delete_assets(Asset.objects.filter(pk=asset.pk))


def delete_assets(assets: QuerySet[Asset]) -> None:
    """Delete these assets, clear every reference to them, then delete their stored files (no orphan files).

    Django's delete clears the references (scenes' media, covers and generated-for scene are SET_NULL).
    """
    files = stored_files(assets)
    with transaction.atomic():
        Asset.objects.filter(pk__in=[pk for pk, _ in files]).delete()
    delete_stored_files(files)


def stored_files(assets: QuerySet[Asset]) -> list[tuple]:
    """(asset id, file name) of these assets, read before they are deleted."""
    return list(assets.values_list("pk", "file"))


def delete_stored_files(files: list[tuple]) -> None:
    """Delete the files of deleted assets, after their documents: a failed delete never leaves an asset
    without its file. A file another asset still uses is kept."""
    for pk, name in files:
        if not name or Asset.objects.filter(file=name).exists():
            continue
        try:
            default_storage.delete(name)
        except Exception:
            logger.exception("The file %r of deleted asset %s could not be deleted from the media storage", name, pk)


def is_web_address(url: str) -> bool:
    """An http(s) address with a host: never `javascript:`, `data:` or anything a link could run."""
    try:
        WEB_ADDRESS(url)
    except ValidationError:
        return False
    return True


def safe_source_url(asset: Asset) -> str:
    """The asset's source URL (`Asset.source_url`) if it is safe to link to: its stored file's, or an http(s)
    address; else "" (for addresses stored before the check)."""
    source = asset.source_url
    return source if asset.file or is_web_address(source) else ""


def check_asset(asset: Asset, *, editor: User) -> None:
    check_asset_values(asset)
    if asset.scenario_id and not can_edit_story(editor, asset.scenario):
        raise PermissionDenied("You can only attach assets to your own stories.")


def check_asset_values(asset: Asset) -> None:
    """The asset's own fields, whoever edits it (the admin's form asks this before saving)."""
    if asset.url and not is_web_address(asset.url):
        raise StoryRuleError(
            "An asset's url must be a web address starting with http:// or https://.",
            field_errors={"url": ["Enter an address starting with http:// or https://."]},
        )
    if not isinstance(asset.metadata, dict):
        raise StoryRuleError(
            "An asset's metadata must be a JSON object.", field_errors={"metadata": ["Enter a JSON object."]}
        )
    validate_fields(asset)


def can_edit_asset(user, asset: Asset) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_author:
        return False
    if user.is_superuser or asset.uploaded_by_id == user.pk:
        return True
    return asset.scenario_id is not None and can_edit_story(user, asset.scenario)


def ensure_can_edit_asset(user, asset: Asset) -> None:
    """An asset the user may not even see is missing (NotFound); one they see but do not own is forbidden."""
    get_visible_asset(user, asset.pk)
    if not can_edit_asset(user, asset):
        raise PermissionDenied(f"You cannot change the asset “{asset.name}”: it belongs to another author.")


def _refuse_unknown(fields: dict) -> None:
    unknown = sorted(set(fields) - ASSET_FIELDS)
    if unknown:
        raise StoryRuleError(f"These fields of an asset cannot be set here: {', '.join(unknown)}.")
