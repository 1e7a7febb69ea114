"""Template helpers of the reading site."""

from django import template
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from story_admin.models import AssetStatus, EndingKind

register = template.Library()


@register.filter
def asset_url(asset, place=None) -> str:
    """Where a ready asset is served ("" while it is missing, queued or failed); through a preview link, with its
    token, so that the draft's own media are served to its beta readers."""
    if asset is None or asset.status != AssetStatus.READY:
        return ""
    if not asset.file:
        return asset.url
    preview = getattr(place, "preview", None)
    return f"{asset.file.url}?{urlencode({'preview': preview.token})}" if preview else asset.file.url


@register.filter
def language_name(code: str) -> str:
    """A language's own name (français, English), or its code when Django does not know it."""
    try:
        return translation.get_language_info(code)["name_local"].capitalize()
    except KeyError:
        return code


ENDING_NAMES = {
    EndingKind.HAPPY: gettext_lazy("A happy ending"),
    EndingKind.TRAGIC: gettext_lazy("A tragic ending"),
    EndingKind.NEUTRAL: gettext_lazy("An ending"),
    EndingKind.SECRET: gettext_lazy("A secret ending"),
}


@register.filter
def ending_name(scene) -> str:
    """Which ending this is, in the reader's language."""
    return ENDING_NAMES.get(scene.ending_kind, gettext_lazy("The end"))
