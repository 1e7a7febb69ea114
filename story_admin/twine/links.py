"""Twine link markup: `[[label->Target]]`, `[[Target<-label]]`, `[[label|Target]]` and `[[Target]]`.

Links are found by a left-to-right scan with `str.find`, never by a backtracking regex: a line of
thousands of links (or of unclosed `[[`) costs time in proportion to its length.
"""

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str
    target: str
    setter: str = ""  # SugarCube's `[[label|Target][$x to 1]]`: run as the link is taken


def parse_link(inner: str) -> Link:
    setter = ""
    if "][" in inner:
        inner, setter = inner.split("][", 1)
    if "->" in inner:
        label, target = inner.rsplit("->", 1)
    elif "<-" in inner:
        target, label = inner.split("<-", 1)
    elif "|" in inner:
        label, target = inner.rsplit("|", 1)
    else:
        label = target = inner
    return Link(label=label.strip(), target=target.strip(), setter=setter.strip())


def _spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each `[[…]]`: at least one character inside, none of them a line break, shortest first."""
    index, line_end = 0, -1
    while (start := text.find("[[", index)) != -1:
        if start >= line_end:  # each line's end is searched for once, not once per link
            line_end = text.find("\n", start)
            line_end = len(text) if line_end == -1 else line_end
        close = text.find("]]", start + 3, line_end)
        if close == -1:
            # No `]]` before this line ends: no later `[[` of the same line can close either.
            index = line_end + 1
            continue
        yield start, close + 2
        index = close + 2


def links_in(text: str) -> list[Link]:
    return [parse_link(text[start + 2 : end - 2]) for start, end in _spans(text)]


def without_links(text: str) -> str:
    """`text` with each link replaced by its label."""
    out, index = [], 0
    for start, end in _spans(text):
        out += [text[index:start], parse_link(text[start + 2 : end - 2]).label]
        index = end
    out.append(text[index:])
    return "".join(out)


def is_links_only(line: str) -> bool:
    """A line made of links and blanks only (at least one link)."""
    pieces, index = [], 0
    for start, end in _spans(line):
        pieces.append(line[index:start])
        index = end
    return bool(pieces) and not "".join(pieces + [line[index:]]).strip()


def prose_of(text: str) -> str:
    """The passage text without its link markup: link-only lines go, inline links keep their label."""
    lines = [line for line in text.splitlines() if not is_links_only(line)]
    return without_links("\n".join(lines)).strip()


def link_markup(label: str, target: str) -> str:
    return f"[[{target}]]" if label == target else f"[[{label}->{target}]]"
