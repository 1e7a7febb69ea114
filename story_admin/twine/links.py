"""Twine link markup: `[[label->Target]]`, `[[Target<-label]]`, `[[label|Target]]` and `[[Target]]`."""

import re
from dataclasses import dataclass

LINK = re.compile(r"\[\[(.+?)\]\]")
ONLY_LINKS_LINE = re.compile(r"^\s*(\[\[.+?\]\]\s*)+$")


@dataclass(frozen=True)
class Link:
    label: str
    target: str


def parse_link(inner: str) -> Link:
    if "->" in inner:
        label, target = inner.rsplit("->", 1)
    elif "<-" in inner:
        target, label = inner.split("<-", 1)
    elif "|" in inner:
        label, target = inner.rsplit("|", 1)
    else:
        label = target = inner
    return Link(label=label.strip(), target=target.strip())


def links_in(text: str) -> list[Link]:
    return [parse_link(match.group(1)) for match in LINK.finditer(text)]


def prose_of(text: str) -> str:
    """The passage text without its link markup: link-only lines go, inline links keep their label."""
    lines = [line for line in text.splitlines() if not ONLY_LINKS_LINE.match(line)]
    prose = LINK.sub(lambda match: parse_link(match.group(1)).label, "\n".join(lines))
    return prose.strip()


def link_markup(label: str, target: str) -> str:
    return f"[[{target}]]" if label == target else f"[[{label}->{target}]]"
