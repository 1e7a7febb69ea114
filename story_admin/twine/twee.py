"""Twee 3 notation (twee-3-specification.md): read a .twee/.tw file, write one."""

import json

from .model import Passage, TwineFormatError, TwineStory

ESCAPED_IN_HEADER = "\\[]{}"


def parse_twee(text: str) -> tuple[TwineStory, list[str]]:
    """The story in a Twee 3 file, and the warnings the specification says to emit and go past."""
    warnings: list[str] = []
    headers: dict[str, int] = {}
    passages: list[tuple[Passage, list[str]]] = []
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if line.startswith("::"):
            passage = _header(line[2:], number, warnings)
            if passage.name in headers:
                raise TwineFormatError(
                    f"Line {number}: a second passage is named “{passage.name}” "
                    f"(the first is on line {headers[passage.name]})."
                )
            headers[passage.name] = number
            passages.append((passage, []))
        elif passages:
            passages[-1][1].append(_unescape_content(line))
        elif line.strip():
            raise TwineFormatError(f"Line {number}: text before the first passage header (a line starting with ::).")
    if not passages:
        raise TwineFormatError("No passage found: a Twee file is made of passages starting with “:: Name”.")
    for passage, lines in passages:
        passage.text = "\n".join(lines).rstrip()
    return _story([passage for passage, _ in passages], headers, warnings), warnings


def _story(passages: list[Passage], lines: dict[str, int], warnings: list[str]) -> TwineStory:
    by_name = {passage.name: passage for passage in passages}
    story = TwineStory(name=by_name["StoryTitle"].text.strip() if "StoryTitle" in by_name else "", passages=passages)
    if "StoryData" in by_name:
        try:
            data = json.loads(by_name["StoryData"].text or "{}")
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except ValueError as error:
            warnings.append(f"Line {lines['StoryData']}: StoryData is not valid JSON ({error}); it was ignored.")
            data = {}
        story.ifid = str(data.get("ifid") or "").upper()
        story.start = str(data.get("start") or "")
        story.format, story.format_version = str(data.get("format") or ""), str(data.get("format-version") or "")
        story.tag_colors = data.get("tag-colors") if isinstance(data.get("tag-colors"), dict) else {}
        try:
            story.zoom = float(data.get("zoom", 1) or 1)
        except (TypeError, ValueError):
            warnings.append(f"Line {lines['StoryData']}: zoom “{data.get('zoom')}” is not a number; 1 was used.")
    if not story.start and "Start" in by_name:
        story.start = "Start"
    if story.start and story.start not in by_name:
        raise TwineFormatError(f"StoryData names “{story.start}” as the start, but no passage has that name.")
    story.script = "\n".join(p.text for p in passages if "script" in p.tags)
    story.stylesheet = "\n".join(p.text for p in passages if "stylesheet" in p.tags)
    return story


def _header(rest: str, number: int, warnings: list[str]) -> Passage:
    name, index = _read_until(rest, 0, "[{", number)
    name = name.strip()
    if not name:
        raise TwineFormatError(f"Line {number}: a passage header needs a name after “::”.")
    tags: list[str] = []
    index = _skip_spaces(rest, index)
    if index < len(rest) and rest[index] == "[":
        block, index = _read_until(rest, index + 1, "]", number)
        if index >= len(rest):
            raise TwineFormatError(f"Line {number}: the tag block of “{name}” is not closed with “]”.")
        tags = block.split()
        index = _skip_spaces(rest, index + 1)
    passage = Passage(name=name, tags=tags)
    if index < len(rest) and rest[index] == "{":
        try:
            metadata = json.loads(rest[index:])
            passage.position = _pair(metadata.get("position"))
            passage.size = _pair(metadata.get("size"))
        except (ValueError, AttributeError):
            warnings.append(f"Line {number}: the metadata of “{name}” is not valid JSON; it was ignored.")
    elif index < len(rest) and rest[index:].strip():
        raise TwineFormatError(
            f"Line {number}: unexpected “{rest[index:].strip()}” after the passage name "
            f"(escape [ ] {{ }} in names with a backslash)."
        )
    return passage


def _read_until(text: str, index: int, stops: str, number: int) -> tuple[str, int]:
    """Text up to the first unescaped stop character; `\\x` yields x."""
    out = []
    while index < len(text) and text[index] not in stops:
        if text[index] == "\\" and index + 1 < len(text):
            index += 1
        out.append(text[index])
        index += 1
    return "".join(out), index


def _skip_spaces(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t":
        index += 1
    return index


def _pair(value) -> tuple[float, float] | None:
    if not value:
        return None
    first, second = str(value).split(",")
    return float(first), float(second)


def _unescape_content(line: str) -> str:
    return "::" + line[4:] if line.startswith("\\:\\:") else line


def escape_header(value: str) -> str:
    return "".join("\\" + character if character in ESCAPED_IN_HEADER else character for character in value)


def write_twee(story: TwineStory) -> str:
    data = {
        "ifid": story.ifid,
        "format": story.format,
        "format-version": story.format_version,
        "start": story.start,
        "tag-colors": story.tag_colors,
        "zoom": story.zoom,
    }
    data = {key: value for key, value in data.items() if value not in ("", {}, None)}
    chunks = [f":: StoryTitle\n{story.name}", f":: StoryData\n{json.dumps(data, indent=2, ensure_ascii=False)}"]
    passages = list(story.passages)
    # Read from an HTML file, the story JavaScript and stylesheet are no passages: in Twee they are.
    for text, tag, name in (
        (story.script, "script", "Story JavaScript"),
        (story.stylesheet, "stylesheet", "Story Stylesheet"),
    ):
        if text.strip() and not any(tag in passage.tags for passage in passages):
            passages.append(Passage(name=name, text=text, tags=[tag]))
    for passage in passages:
        if passage.name in ("StoryTitle", "StoryData"):
            continue
        header = f":: {escape_header(passage.name)}"
        if passage.tags:
            header += " [" + " ".join(escape_header(tag) for tag in passage.tags) + "]"
        metadata = {}
        if passage.position is not None:
            metadata["position"] = f"{passage.position[0]:g},{passage.position[1]:g}"
        if passage.size is not None:
            metadata["size"] = f"{passage.size[0]:g},{passage.size[1]:g}"
        if metadata:
            header += " " + json.dumps(metadata, separators=(",", ":"))
        text = "\n".join("\\:\\:" + line[2:] if line.startswith("::") else line for line in passage.text.split("\n"))
        chunks.append(f"{header}\n{text}")
    return "\n\n\n".join(chunks) + "\n"
