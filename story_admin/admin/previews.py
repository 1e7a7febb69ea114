"""An asset shown in the admin: the image, an audio player, or a link."""

from django.utils.html import format_html

from ..models import Asset, AssetType
from ..services.assets import safe_source_url


def asset_preview(asset: Asset):
    source = safe_source_url(asset)
    if not source:
        return format_html("<em>{} ({})</em>", asset.name, asset.get_status_display())
    if asset.type == AssetType.IMAGE:
        return format_html('<img src="{}" alt="{}" style="max-width:240px;max-height:160px">', source, asset.name)
    if asset.type in (AssetType.SOUND, AssetType.MUSIC):
        return format_html('<audio controls preload="none" src="{}" title="{}"></audio>', source, asset.name)
    return format_html('<a href="{}">{}</a>', source, asset.name)
