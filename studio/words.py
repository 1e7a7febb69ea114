"""Words of the domain the studio shows in the author's language (the domain's own labels stay English)."""

from django.utils.translation import gettext, gettext_lazy

from story_admin.models import EndingKind
from story_admin.wording import filled

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


def _said(wording: str, details: dict, english: str) -> str:
    """The domain's wording (an English msgid marked with gettext_noop) translated and filled, its phrases too;
    `english` where the domain gave no wording."""
    return filled(wording, details, gettext) if wording else english


def problem_said(problem) -> str:
    """A story problem in the interface language: a `StoryProblem`, or one as the cached analysis keeps it (a dict;
    one kept before problems had a wording is said in English, as `message` says every problem to the API)."""
    if isinstance(problem, dict):
        return _said(problem.get("wording", ""), problem.get("details") or {}, problem["message"])
    return _said(problem.wording, problem.details, problem.message)


def phrase_said(value: dict | None, english: str) -> str:
    """A phrase of the domain (story_admin.wording, as a cached document keeps it) in the interface language;
    `english` where there is none (a document kept before it had one)."""
    return _said(value["wording"], value["details"], english) if value else english


def step_said(step) -> str:
    """An edit step's label (the undo and redo buttons) in the interface language; a step recorded before labels
    had a wording is said in English."""
    return _said(step.wording, step.details, step.label)
