"""A Twine story in memory, independent of its notation (Twee 3 or Twine 2 HTML)."""

import uuid
from dataclasses import dataclass, field

SCRIPT_TAG, STYLESHEET_TAG, STARTUP_TAG = "script", "stylesheet", "startup"
# SugarCube's special tags: `init` passages run before StoryInit, `widget` passages define macros.
INIT_TAG, WIDGET_TAG = "init", "widget"
SPECIAL_NAMES = {
    "StoryTitle",
    "StoryData",
    "StoryInit",
    "StoryMenu",
    "StoryCaption",
    "StoryBanner",
    "StoryAuthor",
    "StorySubtitle",
    "PassageReady",
    "PassageDone",
    "PassageHeader",
    "PassageFooter",
}


class TwineFormatError(ValueError):
    """A file that cannot be read; the message names the line or passage at fault."""


@dataclass
class Passage:
    name: str
    text: str = ""
    tags: list[str] = field(default_factory=list)
    position: tuple[float, float] | None = None
    size: tuple[float, float] | None = None

    @property
    def is_special(self) -> bool:
        return self.name in SPECIAL_NAMES or bool({SCRIPT_TAG, STYLESHEET_TAG} & set(self.tags))


@dataclass
class TwineStory:
    name: str
    ifid: str = ""
    start: str = ""
    format: str = ""
    format_version: str = ""
    zoom: float = 1.0
    tag_colors: dict[str, str] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    script: str = ""
    stylesheet: str = ""

    @property
    def is_harlowe(self) -> bool:
        return self.format.lower().startswith("harlowe")

    @property
    def is_sugarcube(self) -> bool:
        """Named SugarCube, or unnamed with SugarCube's `<<macros>>` in its passages."""
        name = self.format.lower()
        return name.startswith("sugarcube") or (not name and any("<<" in passage.text for passage in self.passages))

    def _special_tags(self) -> set[str]:
        # Harlowe runs `startup`-tagged passages before the first one: they are its StoryInit. SugarCube runs
        # `init`-tagged ones before StoryInit, and `widget`-tagged ones define macros: neither is a scene.
        if self.is_harlowe:
            return {STARTUP_TAG}
        return {INIT_TAG, WIDGET_TAG} if self.is_sugarcube else set()

    @property
    def story_passages(self) -> list[Passage]:
        tags = self._special_tags()
        return [passage for passage in self.passages if not (passage.is_special or tags & set(passage.tags))]

    @property
    def special_passages(self) -> list[Passage]:
        """Passages kept aside (StoryInit, scripts, stylesheets…); StoryTitle and StoryData are read, not kept."""
        tags = self._special_tags()
        return [
            passage
            for passage in self.passages
            if (passage.is_special or tags & set(passage.tags)) and passage.name not in ("StoryTitle", "StoryData")
        ]

    @property
    def html_passages(self) -> list[Passage]:
        """What a Twine 2 HTML file holds as passages: not StoryTitle/StoryData, nor the script and stylesheet
        passages, which go into its <script> and <style> elements."""
        return [
            passage
            for passage in self.passages
            if passage.name not in ("StoryTitle", "StoryData") and not {SCRIPT_TAG, STYLESHEET_TAG} & set(passage.tags)
        ]


def new_ifid() -> str:
    """An IFID as Twine makes them: an upper-case version 4 UUID."""
    return str(uuid.uuid4()).upper()
