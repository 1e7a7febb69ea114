"""Twine in and out: a Twine story becomes a Scenario (all or nothing), a loaded Story becomes a Twine story."""

import re
from dataclasses import dataclass, field

from bson import ObjectId
from django_mongodb_backend import transaction

from ..exceptions import StoryError, StoryRuleError
from ..models import Choice, EndingKind, Scenario, Scene, User
from ..permissions import ensure_author, ensure_can_edit
from ..selectors import load_story
from ..story import Story
from ..twine.html import parse_twine_html, write_twine_archive
from ..twine.links import link_markup, links_in, prose_of
from ..twine.model import Passage, TwineFormatError, TwineStory, new_ifid
from ..twine.twee import parse_twee, write_twee
from .stories import check_choice, check_scene, create_scenario

ENDING_TAG = re.compile(r"^ending-(\w+)$")
AUTO_COLUMN_WIDTH = 260.0
AUTO_ROW_HEIGHT = 170.0
AUTO_COLUMNS = 25
IMPORT_BATCH = 200
LINK_METACHARACTERS = {"[": "(", "]": ")", "|": "/", "->": "→", "<-": "←"}


@dataclass
class ImportReport:
    scenario: Scenario
    scene_count: int
    choice_count: int
    special_passages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = [f"“{self.scenario.title}”: {self.scene_count} scenes, {self.choice_count} choices."]
        if self.special_passages:
            parts.append(f"Kept aside (not scenes): {', '.join(self.special_passages)}.")
        parts += self.warnings
        return " ".join(parts)


def import_twine_story(*, author: User, story: TwineStory, warnings: list[str] | None = None,
                       language: str = "en") -> ImportReport:
    """Passages become scenes, links choices, the start the start scene; checked in full before any write."""
    ensure_author(author)
    warnings = list(warnings or [])
    passages = story.story_passages
    if not passages:
        raise StoryRuleError(f"“{story.name or 'Untitled'}” has no passages to import.")
    start = story.start if story.start in {p.name for p in passages} else passages[0].name
    if story.start and story.start != start:
        warnings.append(f"The start passage “{story.start}” is a special passage; “{start}” starts the story.")

    # Every document is built and checked before the first write, with its final id.
    placeholder = Scenario(pk=ObjectId())
    scenes = [_scene(passage, order, start, placeholder) for order, passage in enumerate(passages)]
    by_name = {scene.title: scene for scene in scenes}
    choices = []
    for passage in passages:
        for order, link in enumerate(links_in(passage.text)):
            if link.target not in by_name:
                warnings.append(f"Passage “{passage.name}” links to “{link.target}”, which does not exist: "
                                f"that link was left out.")
                continue
            choice = Choice(pk=ObjectId(), scenario=placeholder, from_scene=by_name[passage.name],
                            to_scene=by_name[link.target], text=link.label, order=order)
            _checked(check_choice, choice, f"the link “{choice.text}” of “{passage.name}”")
            choices.append(choice)

    scenario = create_scenario(author=author, title=story.name or "Untitled Twine story", language=language)
    try:
        scenario.ifid = story.ifid or scenario.ifid
        scenario.twine = {
            "format": story.format, "format_version": story.format_version, "zoom": story.zoom,
            "tag_colors": story.tag_colors, "script": story.script, "stylesheet": story.stylesheet,
            "special_passages": [{"name": p.name, "tags": p.tags, "text": p.text} for p in story.special_passages],
        }
        scenario.save(update_fields=["ifid", "twine", "updated_at"])
        for document in (*scenes, *choices):
            document.scenario = scenario
        _write_in_batches(Scene, scenes)
        _write_in_batches(Choice, choices)
    except Exception:
        discard_import(scenario)
        raise
    return ImportReport(scenario=scenario, scene_count=len(scenes), choice_count=len(choices),
                        special_passages=[p.name for p in story.special_passages], warnings=warnings)


def _write_in_batches(model, documents: list) -> None:
    """Insert in batches, each one short transaction: a large import never holds the database for long
    (the embedded server runs one transaction at a time), and other requests are served in between."""
    for start in range(0, len(documents), IMPORT_BATCH):
        with transaction.atomic():
            model.objects.bulk_create(documents[start:start + IMPORT_BATCH])


def discard_import(scenario: Scenario) -> None:
    """Remove what an import that failed half-way wrote: it imports all or nothing.

    Nothing else can point at a story still being imported, so its documents go by one filter each
    (`_raw_delete`, Django's own fast delete), never by the cascade collector's list of every scene id.
    """
    for model in (Choice, Scene):
        queryset = model.objects.filter(scenario=scenario)
        queryset._raw_delete(queryset.db)
    Scenario.objects.filter(pk=scenario.pk).delete()


def _scene(passage: Passage, order: int, start: str, scenario: Scenario) -> Scene:
    ending_kinds = [match.group(1) for tag in passage.tags if (match := ENDING_TAG.match(tag))]
    is_ending = not links_in(passage.text)
    # Passages without a position go on a grid, reading order left to right, then down.
    x, y = passage.position or ((order % AUTO_COLUMNS) * AUTO_COLUMN_WIDTH, (order // AUTO_COLUMNS) * AUTO_ROW_HEIGHT)
    scene = Scene(
        pk=ObjectId(), scenario=scenario, title=passage.name, text=prose_of(passage.text), order=order, is_start_scene=passage.name == start,
        is_end_scene=is_ending, tags=[tag for tag in passage.tags if not ENDING_TAG.match(tag)],
        ending_kind=(ending_kinds[0] if ending_kinds and ending_kinds[0] in EndingKind.values else "")
        if is_ending else "", position_x=x, position_y=y,
    )
    _checked(check_scene, scene, f"passage “{passage.name}”")
    return scene


def _checked(check, document, what: str) -> None:
    try:
        check(document)
    except StoryError as error:
        raise StoryRuleError(f"Cannot import {what}: {error.message}") from None


def story_to_twine(story: Story) -> TwineStory:
    """The story as Twine passages: unique, link-safe names; choices as `[[label->Target]]` lines."""
    names = _passage_names(story.scenes)
    passages = []
    for scene in story.scenes:
        lines = [link_markup(_safe(choice.text) or names[choice.to_scene_id], names[choice.to_scene_id])
                 for choice in story.choices_from(scene) if choice.to_scene_id in names]
        text = scene.text + ("\n\n" + "\n".join(lines) if lines else "")
        tags = list(scene.tags or []) + ([f"ending-{scene.ending_kind}"] if scene.is_end_scene and scene.ending_kind
                                         else [])
        passages.append(Passage(name=names[scene.pk], text=text, tags=tags,
                                position=(scene.position_x, scene.position_y), size=(100.0, 100.0)))
    start = story.start_scene
    twine = story.scenario.twine or {}
    return TwineStory(
        name=story.scenario.title, ifid=story.scenario.ifid or new_ifid(), start=names[start.pk] if start else "",
        format=twine.get("format", ""), format_version=twine.get("format_version", ""),
        zoom=twine.get("zoom", 1.0), tag_colors=twine.get("tag_colors", {}), passages=passages,
        script=twine.get("script", ""), stylesheet=twine.get("stylesheet", ""),
    )


def _passage_names(scenes: list[Scene]) -> dict:
    names, taken = {}, set()
    for scene in scenes:
        base = _safe(scene.title) or "Untitled"
        name, number = base, 2
        while name in taken:
            name, number = f"{base} ({number})", number + 1
        taken.add(name)
        names[scene.pk] = name
    return names


def _safe(text: str) -> str:
    """Twine's link markup has no escape: its metacharacters are replaced by look-alikes."""
    for character, replacement in LINK_METACHARACTERS.items():
        text = text.replace(character, replacement)
    return text.strip()


@dataclass(frozen=True)
class ExportedFile:
    filename: str
    content_type: str
    content: bytes


TWINE_FORMATS = ("twee", "html")


def import_twine_file(*, author: User, filename: str, data: bytes) -> list[ImportReport]:
    """A .twee/.tw file or a Twine 2 HTML file/archive; every story in it is imported, or none."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise StoryRuleError(f"{filename} is not UTF-8 text (byte {error.start} cannot be read).") from None
    try:
        if filename.lower().endswith((".html", ".htm")) or "<tw-storydata" in text[:100_000]:
            parsed = [(story, []) for story in parse_twine_html(text)]
        elif filename.lower().endswith((".twee", ".tw", ".txt")) or text.lstrip().startswith("::"):
            parsed = [parse_twee(text)]
        else:
            raise StoryRuleError(f"{filename}: expected a Twee file (.twee, .tw) or a Twine 2 HTML file.")
    except TwineFormatError as error:
        raise StoryRuleError(f"{filename}: {error}") from None
    reports = []
    try:
        for story, warnings in parsed:
            reports.append(import_twine_story(author=author, story=story, warnings=warnings))
    except Exception:
        for report in reports:
            discard_import(report.scenario)
        raise
    return reports


def export_story(*, editor: User, scenario: Scenario, format: str) -> ExportedFile:
    ensure_can_edit(editor, scenario)
    if format not in TWINE_FORMATS:
        raise StoryRuleError("Export format must be one of: twee, html, backup.")
    twine = story_to_twine(load_story(scenario))
    if format == "twee":
        return ExportedFile(f"{scenario.slug}.twee", "text/plain; charset=utf-8", write_twee(twine).encode())
    return ExportedFile(f"{scenario.slug}.html", "text/html; charset=utf-8",
                        write_twine_archive([twine]).encode())
