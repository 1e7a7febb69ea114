"""Reading the reader's pages in tests: the choices a scene offers, as a player sees them."""

import html
import re

CHOICE = re.compile(
    r'<input type="hidden" name="choice" value="(?P<id>[0-9a-f]{24})">\s*'
    r'<button type="submit" class="choice">(?P<text>[^<]*)</button>'
)
LOCKED = re.compile(
    r'<button type="button" class="choice" disabled aria-describedby="reason-[0-9a-f]{24}">'
    r'(?P<text>[^<]*)</button>\s*<span class="reason" id="reason-[0-9a-f]{24}">(?P<reason>[^<]*)</span>'
)


def choices_on(page: str) -> dict[str, str]:
    """The choices a page offers as buttons: label -> choice id."""
    return {html.unescape(match["text"]): match["id"] for match in CHOICE.finditer(page)}


def locked_on(page: str) -> dict[str, str]:
    """The disabled choices a page shows: label -> the author's reason."""
    return {html.unescape(match["text"]): html.unescape(match["reason"]) for match in LOCKED.finditer(page)}
