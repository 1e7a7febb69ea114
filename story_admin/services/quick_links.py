"""A choice and its scene written in one line: "Open the door -> The cellar", or Twine's [[…]] in a scene's text.

The rule, in one place: a target that names a scene of the story (case and extra spaces aside) links to it;
any other target becomes a new scene beside the one the choice leaves, and the choice leads there.
"""

from dataclasses import dataclass

from django_mongodb_backend import transaction

from ..exceptions import StoryRuleError
from ..models import Choice, Scene, User
from ..selectors import scene_by_title
from ..twine.links import is_links_only, links_in, parse_link, without_links
from .choices import create_choice
from .scenes import NEW_SCENE_SPACING, create_scene, update_scene

NEW_SCENE_ROW = 120.0


@dataclass(frozen=True)
class AddedChoice:
    choice: Choice
    target: Scene
    created_scene: bool


def parse_choice_text(text: str) -> tuple[str, str]:
    """(label, target) of "label -> Target", "Target <- label", "[[…]]" or a bare "Target" (label = target)."""
    inner = (text or "").strip()
    if inner.startswith("[[") and inner.endswith("]]"):
        inner = inner[2:-2]
    link = parse_link(inner)
    if not link.label and not link.target:
        raise StoryRuleError(
            "Write the choice, then -> and the scene it leads to, e.g. “Open the door -> The cellar”.",
            field_errors={"choice": ["Write a choice, e.g. “Open the door -> The cellar”."]},
        )
    if not link.target:
        raise StoryRuleError(
            f"Say which scene “{link.label}” leads to: “{link.label} -> The next scene”.",
            field_errors={"choice": ["After -> write the title of the scene it leads to."]},
        )
    if not link.label:
        raise StoryRuleError(
            f"Write the words of the choice before -> “{link.target}”.",
            field_errors={"choice": ["Before -> write the words the player reads."]},
        )
    return link.label, link.target


def add_choice_by_text(*, editor: User, from_scene: Scene, text: str) -> AddedChoice:
    """Add the choice "label -> Target" to `from_scene`, creating the target scene if the story has none of that title."""
    label, target_title = parse_choice_text(text)
    return _link(editor=editor, from_scene=from_scene, label=label, target_title=target_title)


def _link(*, editor: User, from_scene: Scene, label: str, target_title: str) -> AddedChoice:
    target = scene_by_title(scenario_id=from_scene.scenario_id, title=target_title)
    with transaction.atomic():
        created = target is None
        if created:
            leaving = Choice.objects.filter(scenario_id=from_scene.scenario_id, from_scene=from_scene).count()
            target = create_scene(
                editor=editor,
                scenario=from_scene.scenario,
                title=target_title,
                position_x=from_scene.position_x + NEW_SCENE_SPACING,
                position_y=from_scene.position_y + NEW_SCENE_ROW * leaving,
            )
        choice = create_choice(editor=editor, from_scene=from_scene, to_scene=target, text=label)
    return AddedChoice(choice=choice, target=target, created_scene=created)


def text_without_links(text: str) -> str:
    """What stays of a scene's text once its [[links]] became choices: link-only lines go, inline links keep
    their label. Unlike an import's `prose_of`, the rest is kept byte for byte (no trimming while one types)."""
    return without_links("\n".join(line for line in text.split("\n") if not is_links_only(line)))


def choices_from_text(*, editor: User, scene: Scene, text: str) -> tuple[str, list[AddedChoice]]:
    """Turn the [[links]] of `text` into choices of `scene`; returns the text to store and the choices added.

    A link to the same target with the same label as an existing choice is not added twice.
    """
    links = [link for link in links_in(text or "") if link.target]
    if not links:
        return text, []
    existing = {
        (choice.text, choice.to_scene_id)
        for choice in Choice.objects.filter(scenario_id=scene.scenario_id, from_scene=scene)
    }
    added = []
    for link in links:
        target = scene_by_title(scenario_id=scene.scenario_id, title=link.target)
        if target is not None and (link.label or link.target, target.pk) in existing:
            continue
        added.append(_link(editor=editor, from_scene=scene, label=link.label or link.target, target_title=link.target))
    return text_without_links(text), added


def update_scene_with_links(
    *, editor: User, scene: Scene, expected_version: str | None = None, **changes
) -> tuple[Scene, list[AddedChoice]]:
    """`update_scene`, with the [[links]] of the new text turned into choices first: all of it, or nothing
    (a save refused as stale adds no choice)."""
    added = []
    with transaction.atomic():
        if changes.get("text") and links_in(changes["text"]):
            changes["text"], added = choices_from_text(editor=editor, scene=scene, text=changes["text"])
        scene = update_scene(editor=editor, scene=scene, expected_version=expected_version, **changes)
    return scene, added
