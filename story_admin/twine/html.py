"""Twine 2 HTML (twine-2-htmloutput-spec.md) and archives (twine-2-archive-spec.md): read and write."""

from html import escape
from html.parser import HTMLParser

from .model import Passage, TwineFormatError, TwineStory

CREATOR, CREATOR_VERSION = "Story Studio", "1.0"
DEFAULT_FORMAT, DEFAULT_FORMAT_VERSION = "Harlowe", "3.3.9"
PASSAGE_SIZE = (100.0, 100.0)


class _TwineHTMLReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stories: list[tuple[TwineStory, dict[str, str], str]] = []
        self._story = self._passage = None
        self._pids: dict[str, str] = {}
        self._startnode = ""
        self._capture: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "tw-storydata":
            self._story = TwineStory(
                name=attributes.get("name", ""),
                ifid=attributes.get("ifid", "").upper(),
                format=attributes.get("format", ""),
                format_version=attributes.get("format-version", ""),
                zoom=_float(attributes.get("zoom"), 1.0),
            )
            self._pids, self._startnode = {}, attributes.get("startnode", "")
        elif self._story is None:
            return
        elif tag == "tw-passagedata":
            name = attributes.get("name", "")
            if not name:
                raise TwineFormatError(f"Passage {attributes.get('pid', '?')} of “{self._story.name}” has no name.")
            self._passage = Passage(
                name=name,
                tags=attributes.get("tags", "").split(),
                position=_pair(attributes.get("position"), name),
                size=_pair(attributes.get("size"), name),
            )
            self._pids[attributes.get("pid", "")] = name
            self._start_capture("passage")
        elif tag == "tw-tag" and attributes.get("name"):
            self._story.tag_colors[attributes["name"]] = attributes.get("color", "")
        elif tag == "style":
            self._start_capture("stylesheet")
        elif tag == "script":
            self._start_capture("script")

    def _start_capture(self, what: str) -> None:
        self._capture, self._buffer = what, []

    def handle_data(self, data):
        if self._capture:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if self._story is None:
            return
        text = "".join(self._buffer)
        if tag == "tw-passagedata" and self._passage is not None:
            if any(passage.name == self._passage.name for passage in self._story.passages):
                raise TwineFormatError(f"“{self._story.name}” has two passages named “{self._passage.name}”.")
            self._passage.text = text.strip("\n")
            self._story.passages.append(self._passage)
            self._passage = self._capture = None
        elif tag == "style" and self._capture == "stylesheet":
            self._story.stylesheet, self._capture = text, None
        elif tag == "script" and self._capture == "script":
            self._story.script, self._capture = text, None
        elif tag == "tw-storydata":
            self._story.start = self._pids.get(self._startnode, "")
            self.stories.append(self._story)
            self._story = None


def parse_twine_html(text: str) -> list[TwineStory]:
    """Every story of a published Twine 2 file or a library archive."""
    reader = _TwineHTMLReader()
    reader.feed(text)
    reader.close()
    if not reader.stories:
        raise TwineFormatError("No <tw-storydata> element: this is not a Twine 2 story or archive.")
    for story in reader.stories:
        if not story.story_passages:
            raise TwineFormatError(f"“{story.name or 'Untitled'}” has no passages.")
    return reader.stories


def write_twine_archive(stories: list[TwineStory]) -> str:
    """A Twine 2 library archive: each <tw-storydata> followed by two newlines."""
    return "".join(write_story_element(story) + "\n\n" for story in stories)


def write_story_element(story: TwineStory) -> str:
    pids = {passage.name: str(number) for number, passage in enumerate(story.html_passages, start=1)}
    attributes = {
        "name": story.name,
        "startnode": pids.get(story.start, ""),
        "creator": CREATOR,
        "creator-version": CREATOR_VERSION,
        "format": story.format or DEFAULT_FORMAT,
        "format-version": story.format_version or DEFAULT_FORMAT_VERSION,
        "ifid": story.ifid,
        "options": "",
        "tags": "",
        "zoom": f"{story.zoom:g}",
    }
    parts = [
        f"<tw-storydata {_attributes(attributes)} hidden>",
        f'<style role="stylesheet" id="twine-user-stylesheet" type="text/twine-css">{story.stylesheet}</style>',
        f'<script role="script" id="twine-user-script" type="text/twine-javascript">{story.script}</script>',
    ]
    parts += [
        f"<tw-tag {_attributes({'name': tag, 'color': color})}></tw-tag>" for tag, color in story.tag_colors.items()
    ]
    for passage in story.html_passages:
        position = passage.position or (0.0, 0.0)
        size = passage.size or PASSAGE_SIZE
        parts.append(
            f"<tw-passagedata {_attributes({'pid': pids[passage.name], 'name': passage.name, 'tags': ' '.join(passage.tags), 'position': f'{position[0]:g},{position[1]:g}', 'size': f'{size[0]:g},{size[1]:g}'})}>"
            f"{escape(passage.text, quote=True)}</tw-passagedata>"
        )
    parts.append("</tw-storydata>")
    return "".join(parts)


def _attributes(values: dict[str, str]) -> str:
    return " ".join(f'{name}="{escape(str(value), quote=True)}"' for name, value in values.items())


def _pair(value: str | None, passage: str) -> tuple[float, float] | None:
    if not value:
        return None
    try:
        first, second = value.split(",")
        return float(first), float(second)
    except ValueError:
        raise TwineFormatError(f"Passage “{passage}”: position/size “{value}” is not two numbers.") from None


def _float(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
