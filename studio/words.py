"""Words of the domain the studio shows in the author's language (the domain's own labels stay English)."""

from django.utils.translation import gettext_lazy

from story_admin.models import EndingKind

ENDING_NAMES = {
    EndingKind.NONE: gettext_lazy("Not an ending"),
    EndingKind.HAPPY: gettext_lazy("Happy ending"),
    EndingKind.TRAGIC: gettext_lazy("Tragic ending"),
    EndingKind.NEUTRAL: gettext_lazy("Neutral ending"),
    EndingKind.SECRET: gettext_lazy("Secret ending"),
}


def ending_name(kind: str) -> str:
    """A scene's kind of ending as the scene panel's "Ending" control names it."""
    return ENDING_NAMES.get(kind, kind)
