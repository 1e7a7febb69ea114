"""Sentences the domain writes in English and an interface may say in its reader's language.

A wording is an English msgid with `%(name)s` places, marked with `gettext_noop` (nothing in the domain
translates). What fills a place is a text or a number said as it is (a scene's title, a condition the author
wrote), a `phrase` (a wording of its own, said in the same language), or a list of them (said one after the
other, "; " between). Phrases are plain dicts, so a problem kept in a JSON document (the cached analysis) keeps
them too.
"""

from collections.abc import Callable

SEPARATOR = "; "


def phrase(wording: str, **details) -> dict:
    return {"wording": wording, "details": details}


def is_phrase(value) -> bool:
    return isinstance(value, dict) and set(value) == {"wording", "details"}


def filled(wording: str, details: dict, translate: Callable[[str], str] | None = None) -> str:
    """The wording with its places filled: in English, or through `translate` (gettext) phrases and all."""

    def said(value):
        if is_phrase(value):
            return filled(value["wording"], value["details"], translate)
        if isinstance(value, list | tuple):
            return SEPARATOR.join(str(said(part)) for part in value)
        return value

    text = translate(wording) if translate else wording
    return text % {name: said(value) for name, value in details.items()}


def english(value) -> str:
    """A phrase (or a plain text) in English."""
    return filled(value["wording"], value["details"]) if is_phrase(value) else str(value)
