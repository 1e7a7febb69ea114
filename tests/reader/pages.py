"""Reading the reader's pages in tests: the choices a scene offers, as a player sees them."""

import html
import re

CHOICE = re.compile(
    r'<input type="hidden" name="choice" value="(?P<id>[0-9a-f]{24})">\s*'
    r'<button type="submit" class="choice">(?P<text>[^<]*)</button>'
)
FORM = re.compile(r'<input type="hidden" name="to" value="(?P<to>[0-9a-f]{24})">\s*' + CHOICE.pattern)
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


def forms_on(page: str) -> dict[str, dict]:
    """What each choice's form posts, as the browser sends it: label -> {"to": scene id, "choice": choice id}."""
    return {html.unescape(match["text"]): {"to": match["to"], "choice": match["id"]} for match in FORM.finditer(page)}
