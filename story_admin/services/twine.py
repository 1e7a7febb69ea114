"""Twine in and out: a Twine story becomes a Scenario (all or nothing), a loaded Story becomes a Twine story."""

import re
from dataclasses import dataclass, field

from bson import ObjectId
from django_mongodb_backend import transaction

from ..exceptions import StoryError, StoryRuleError
from ..models import Choice, EndingKind, Scenario, Scene, User
from ..permissions import ensure_author, ensure_can_edit
from ..selectors import load_story
from ..state.engine import check_condition, check_effects
from ..state.schema import schema_of
from ..story import Story
from ..twine.html import parse_twine_html, write_twine_archive
from ..twine.links import links_in, prose_of
from ..twine.macros import PassageLink, PassageState
from ..twine.model import Passage, TwineFormatError, TwineStory, new_ifid
from ..twine.twee import parse_twee, write_twee
from .choices import check_choice
from .scenes import check_scene
from .stories import create_scenario
from .twine_state import (
    SUGARCUBE_FORMAT,
    SUGARCUBE_VERSION,
    export_dialect,
    exported_temporaries,
    in_run_order,
    init_passage,
    is_init_passage,
    passage_text,
    read_story_state,
    visits_title_of,
    writer_for,
)

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
    variable_count: int = 0
    item_count: int = 0

    @property
    def summary(self) -> str:
        parts = [f"“{self.scenario.title}”: {self.scene_count} scenes, {self.choice_count} choices."]
        if self.variable_count or self.item_count:
            parts.append(
                f"Story state read from its macros: {_counted(self.variable_count, 'variable')}, "
                f"{_counted(self.item_count, 'item')}."
            )
        if self.special_passages:
            parts.append(f"Kept aside (not scenes): {', '.join(self.special_passages)}.")
        parts += self.warnings
        return " ".join(parts)


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def import_twine_story(
    *, author: User, story: TwineStory, warnings: list[str] | None = None, language: str = "en"
) -> ImportReport:
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
    ids = {passage.name: ObjectId() for passage in passages}
    state = read_story_state(story, scene_id_of=lambda title: str(ids[title]))
    if state is not None:
        warnings += state.warnings
    read = {
        passage.name: state.passages[passage.name]
        if state is not None
        else PassageState(
            text=passage.text, links=[PassageLink(link.label, link.target) for link in links_in(passage.text)]
        )
        for passage in passages
    }
    placeholder = Scenario(pk=ObjectId())
    scenes = [
        _scene(passage, read[passage.name], order, start, placeholder, ids[passage.name])
        for order, passage in enumerate(passages)
    ]
    by_name = {scene.title: scene for scene in scenes}
    choices = []
    for passage in passages:
        for order, link in enumerate(read[passage.name].links):
            if link.target not in by_name:
                warnings.append(
                    f"Passage “{passage.name}” links to “{link.target}”, which does not exist: that link was left out."
                )
                continue
            choice = Choice(
                pk=ObjectId(),
                scenario=placeholder,
                from_scene=by_name[passage.name],
                to_scene=by_name[link.target],
                text=link.label,
                order=order,
                condition=link.condition,
                effects=link.effects,
                locked_reason=link.locked_reason,
            )
            _checked(check_choice, choice, f"the link “{choice.text}” of “{passage.name}”")
            choices.append(choice)

    scenario = create_scenario(author=author, title=story.name or "Untitled Twine story", language=language)
    try:
        scenario.ifid = story.ifid or scenario.ifid
        scenario.twine = {
            "format": story.format,
            "format_version": story.format_version,
            "zoom": story.zoom,
            "tag_colors": story.tag_colors,
            "script": story.script,
            "stylesheet": story.stylesheet,
            # An init passage keeps only what was not read as starting values: export writes those back.
            "special_passages": [
                {
                    "name": p.name,
                    "tags": p.tags,
                    "position": p.position,
                    "size": p.size,
                    "text": state.init_texts.get(p.name, p.text) if state else p.text,
                }
                for p in story.special_passages
            ],
        }
        scenario.variables = state.variables if state else []
        scenario.items = state.items if state else []
        scenario.save(update_fields=["ifid", "twine", "variables", "items", "updated_at"])
        for document in (*scenes, *choices):
            document.scenario = scenario
        _write_in_batches(Scene, scenes)
        _write_in_batches(Choice, choices)
    except Exception:
        discard_import(scenario)
        raise
    return ImportReport(
        scenario=scenario,
        scene_count=len(scenes),
        choice_count=len(choices),
        special_passages=[p.name for p in story.special_passages],
        warnings=warnings,
        variable_count=len(scenario.variables),
        item_count=len(scenario.items),
    )


def _write_in_batches(model, documents: list) -> None:
    """Insert in batches, each one short transaction: a large import never holds the database for long
    (the embedded server runs one transaction at a time), and other requests are served in between."""
    for start in range(0, len(documents), IMPORT_BATCH):
        with transaction.atomic():
            model.objects.bulk_create(documents[start : start + IMPORT_BATCH])


def discard_import(scenario: Scenario) -> None:
    """Remove what an import that failed half-way wrote: it imports all or nothing.

    Nothing else can point at a story still being imported, so its documents go by one filter each
    (`_raw_delete`, Django's own fast delete), never by the cascade collector's list of every scene id.
    """
    for model in (Choice, Scene):
        queryset = model.objects.filter(scenario=scenario)
        queryset._raw_delete(queryset.db)
    Scenario.objects.filter(pk=scenario.pk).delete()


def _scene(
    passage: Passage, read: PassageState, order: int, start: str, scenario: Scenario, scene_id: ObjectId
) -> Scene:
    ending_kinds = [match.group(1) for tag in passage.tags if (match := ENDING_TAG.match(tag))]
    is_ending = not read.links
    # Passages without a position go on a grid, reading order left to right, then down.
    x, y = passage.position or ((order % AUTO_COLUMNS) * AUTO_COLUMN_WIDTH, (order // AUTO_COLUMNS) * AUTO_ROW_HEIGHT)
    scene = Scene(
        pk=scene_id,
        scenario=scenario,
        title=passage.name,
        text=prose_of(read.text),
        effects=read.effects,
        order=order,
        is_start_scene=passage.name == start,
        is_end_scene=is_ending,
        tags=[tag for tag in passage.tags if not ENDING_TAG.match(tag)],
        ending_kind=(ending_kinds[0] if ending_kinds and ending_kinds[0] in EndingKind.values else "")
        if is_ending
        else "",
        position_x=x,
        position_y=y,
    )
    _checked(check_scene, scene, f"passage “{passage.name}”")
    return scene


def _checked(check, document, what: str) -> None:
    try:
        check(document)
    except StoryError as error:
        raise StoryRuleError(f"Cannot import {what}: {error.message}") from None


def story_to_twine(story: Story) -> TwineStory:
    """The story as Twine passages: unique, link-safe names; choices as `[[label->Target]]` lines, their
    conditions and effects and the scenes' effects as the story format's macros (SugarCube unless the story
    came from Harlowe), the declared starting values in StoryInit (Harlowe: a startup passage), and the
    passages an import kept aside written back."""
    scenario = story.scenario
    names = _passage_names(story.scenes)
    twine = scenario.twine or {}
    format_name, format_version = twine.get("format", ""), twine.get("format_version", "")
    schema = schema_of(scenario)
    has_state = (
        not schema.is_empty
        or any(scene.effects for scene in story.scenes)
        or any(choice.condition or choice.effects for choice in story.choices)
    )
    if has_state and not format_name:
        format_name, format_version = SUGARCUBE_FORMAT, SUGARCUBE_VERSION
    writer = writer_for(format_name, visits_title_of(names), exported_temporaries(story))
    kept = [
        Passage(
            name=document["name"],
            text=document.get("text", ""),
            tags=list(document.get("tags") or []),
            position=_pair(document.get("position")),
            size=_pair(document.get("size")),
        )
        for document in twine.get("special_passages", [])
    ]
    # The starting values go into the first init passage the story format runs (SugarCube: an `init`-tagged
    # one before StoryInit), so every init passage after it sees them, as it saw them on import.
    dialect = export_dialect(format_name)
    kept_init = next(iter(in_run_order([p for p in kept if is_init_passage(p, dialect)], dialect)), None)
    passages = [passage for passage in kept if passage is not kept_init]
    init = init_passage(writer, kept=kept_init, variables=scenario.variables or [], items=scenario.items or [])
    if init is not None:
        passages.insert(0, init)
    for scene in story.scenes:
        links = [
            PassageLink(
                _safe(choice.text) or names[choice.to_scene_id],
                names[choice.to_scene_id],
                condition=_exportable(check_condition, choice.condition or {}, schema, {}),
                effects=_exportable(check_effects, choice.effects or [], schema, []),
                locked_reason=_safe(choice.locked_reason or ""),
            )
            for choice in story.choices_from(scene)
            if choice.to_scene_id in names
        ]
        text = passage_text(
            writer, text=scene.text, effects=_exportable(check_effects, scene.effects or [], schema, []), links=links
        )
        tags = list(scene.tags or []) + (
            [f"ending-{scene.ending_kind}"] if scene.is_end_scene and scene.ending_kind else []
        )
        passages.append(
            Passage(
                name=names[scene.pk],
                text=text,
                tags=tags,
                position=(scene.position_x, scene.position_y),
                size=(100.0, 100.0),
            )
        )
    start = story.start_scene
    return TwineStory(
        name=scenario.title,
        ifid=scenario.ifid or new_ifid(),
        start=names[start.pk] if start else "",
        format=format_name,
        format_version=format_version,
        zoom=twine.get("zoom", 1.0),
        tag_colors=twine.get("tag_colors", {}),
        passages=passages,
        script=twine.get("script", ""),
        stylesheet=twine.get("stylesheet", ""),
    )


def _exportable(check, document, schema, nothing):
    """A condition or effects the engine accepts; old data outside the language has no Twine form."""
    try:
        check(document, schema)
    except StoryRuleError:
        return nothing
    return document


def _pair(value) -> tuple[float, float] | None:
    return (float(value[0]), float(value[1])) if isinstance(value, (list, tuple)) and len(value) == 2 else None


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
    return ExportedFile(f"{scenario.slug}.html", "text/html; charset=utf-8", write_twine_archive([twine]).encode())
