"""Words of the domain the studio shows in the author's language (the domain's own labels stay English)."""

from django.utils.translation import gettext, gettext_lazy

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


def problem_said(problem) -> str:
    """A story problem in the interface language: its wording translated and filled, where it has one (the state
    problems do not yet: they are said in English, as `message` says every problem to the API)."""
    if not problem.wording:
        return problem.message
    return gettext(problem.wording) % problem.details


def step_said(step) -> str:
    """An edit step's label (the undo and redo buttons) in the interface language; a step recorded before labels
    had a wording is said in English."""
    if not step.wording:
        return step.label
    return gettext(step.wording) % step.details
