"""Find and replace across a story's scene titles, scene texts and choice labels: a preview, then one undoable step."""

import hashlib
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_noop
from django_mongodb_backend import transaction

from ..exceptions import StoryRuleError, on_field
from ..models import Choice, Scenario, Scene, User
from ..permissions import ensure_can_edit
from .history import recorded, worded
from .scenes import at_version

CONTEXT = 30
LIMITS = {"title": 200, "choice": 500}
WHERE = {"title": "scene title", "text": "scene text", "choice": "choice label"}


@dataclass(frozen=True)
class Occurrence:
    """One match: where it is, and the words around it."""

    where: str  # title, text or choice
    scene: Scene
    choice: Choice | None
    before: str
    match: str
    after: str

    @property
    def where_label(self) -> str:
        return WHERE[self.where]


@dataclass(frozen=True)
class Preview:
    occurrences: list[Occurrence]
    token: str  # what the story held when previewed; `replace_all` refuses if it changed since


def _pattern(find: str, case_sensitive: bool) -> re.Pattern:
    if not find:
        raise on_field("find", "Enter the words to find.")
    return re.compile(re.escape(find), 0 if case_sensitive else re.IGNORECASE)


def _fields(scenario: Scenario):
    scenes = {scene.pk: scene for scene in Scene.objects.filter(scenario=scenario)}
    for scene in scenes.values():
        yield "title", scene, None, scene.title
        yield "text", scene, None, scene.text
    for choice in Choice.objects.filter(scenario=scenario).order_by("from_scene_id", "order", "created_at"):
        if choice.from_scene_id in scenes:
            yield "choice", scenes[choice.from_scene_id], choice, choice.text


def preview_replace(*, editor: User, scenario: Scenario, find: str, case_sensitive: bool = False) -> Preview:
    """Every occurrence of `find`, with its context, in the order of the scenes."""
    ensure_can_edit(editor, scenario)
    pattern = _pattern(find, case_sensitive)
    occurrences, seen = [], []
    for where, scene, choice, value in _fields(scenario):
        for match in pattern.finditer(value or ""):
            occurrences.append(
                Occurrence(
                    where,
                    scene,
                    choice,
                    value[max(0, match.start() - CONTEXT) : match.start()],
                    match.group(0),
                    value[match.end() : match.end() + CONTEXT],
                )
            )
            seen.append(_stamp(where, scene, choice))
    return Preview(occurrences, _token(seen))


def _stamp(where, scene, choice) -> str:
    return f"choice:{choice.pk}:{choice.text}" if choice else f"scene:{scene.pk}:{scene.version}"


def _token(stamps) -> str:
    return hashlib.sha256("\n".join(sorted(set(stamps))).encode()).hexdigest()


def replace_all(
    *, editor: User, scenario: Scenario, find: str, replacement: str, case_sensitive: bool = False, token: str
) -> int:
    """Replace every occurrence previewed under `token`, as one step of the editor's history.

    Refused, changing nothing, if any scene or choice matched was saved since the preview: each scene
    is written only over the version the preview read.
    """
    preview = preview_replace(editor=editor, scenario=scenario, find=find, case_sensitive=case_sensitive)
    if preview.token != token:
        raise StoryRuleError(
            "The story was changed since this preview (another tab or another editor): "
            "look at the preview again before replacing. Nothing was changed."
        )
    if not preview.occurrences:
        raise on_field("find", f"“{find}” is not in this story.")
    pattern = _pattern(find, case_sensitive)
    scenes, choices = {}, {}
    for occurrence in preview.occurrences:
        if occurrence.choice is not None:
            choices[occurrence.choice.pk] = occurrence.choice
        else:
            scenes[occurrence.scene.pk] = occurrence.scene
    new_scenes = {
        pk: {
            "title": pattern.sub(lambda _m: replacement, scene.title).strip(),
            "text": pattern.sub(lambda _m: replacement, scene.text),
        }
        for pk, scene in scenes.items()
    }
    new_choices = {pk: pattern.sub(lambda _m: replacement, choice.text).strip() for pk, choice in choices.items()}
    for pk, values in new_scenes.items():
        if not values["title"] or len(values["title"]) > LIMITS["title"]:
            raise on_field(
                "replacement",
                f"The title of “{scenes[pk].title}” would be empty or longer than "
                f"{LIMITS['title']} characters. Nothing was changed.",
            )
    for pk, text in new_choices.items():
        if not text or len(text) > LIMITS["choice"]:
            raise on_field(
                "replacement",
                f"The choice “{choices[pk].text}” would be empty or longer than "
                f"{LIMITS['choice']} characters. Nothing was changed.",
            )
    now = timezone.now()
    label = worded(gettext_noop("replace “%(find)s” with “%(replacement)s”"), find=find, replacement=replacement)
    journal = recorded(editor=editor, scenario_id=scenario.pk, kind="replace", label=label)
    with journal as watched, transaction.atomic():
        watched.watch("scene", Scene.objects.filter(pk__in=list(scenes)))
        watched.watch("choice", Choice.objects.filter(pk__in=list(choices)))
        for pk, values in new_scenes.items():
            version = scenes[pk].version
            if not at_version(Scene.objects.filter(pk=pk), version).update(
                **values, version=version + 1, updated_at=now
            ):
                raise StoryRuleError(
                    f"“{scenes[pk].title}” was saved since the preview: look at the preview "
                    "again before replacing. Nothing was changed."
                )
        for pk, text in new_choices.items():
            Choice.objects.filter(pk=pk).update(text=text, updated_at=now)
    return len(preview.occurrences)
