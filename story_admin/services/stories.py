"""Editing services for stories, scenes and choices: every caller (admin, studio, API) uses these."""

import math
from collections.abc import Iterable
from contextlib import contextmanager

from bson import ObjectId
from bson.errors import InvalidId
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django_mongodb_backend import transaction

from ..exceptions import NotFound, NotPlayable, StoryError, StoryRuleError, on_field
from ..models import Asset, Choice, EndingKind, MediaKind, PlayerProgress, Scenario, Scene, User
from ..permissions import ensure_author, ensure_can_edit
from ..selectors import get_visible_asset, load_story, title_key
from ..layout import layered_positions
from ..twine.model import new_ifid
from ..validation import publishing_problems
from ._validation import validate_fields
from .state import state_changes
from .assets import delete_stored_files, stored_files
from .history import recorded

SCENARIO_FIELDS = {"title", "description", "language", "tags", "is_published", "cover_image"}
SCENE_FIELDS = {
    "title",
    "text",
    "order",
    "is_start_scene",
    "is_end_scene",
    "ending_kind",
    "tags",
    "position_x",
    "position_y",
    "image",
    "sound",
    "music",
    "effects",
    "effects_text",
}
CHOICE_FIELDS = {"to_scene", "text", "condition", "order", "locked_reason", "effects", "condition_text", "effects_text"}
MEDIA_TYPES = {kind.field: kind.accepted_types for kind in MediaKind}
NEW_SCENE_SPACING = 260.0


# Stories -----------------------------------------------------------------


def create_scenario(
    *,
    author: User,
    title: str,
    description: str = "",
    language: str = "en",
    tags: Iterable[str] = (),
    is_published: bool = False,
) -> Scenario:
    """A new, empty story owned by `author`.

    `is_published` is taken as given, as the old backend did: its editor sends `true` on every save,
    scenes or not. What keeps such a story from being played is reported (`publishing_problems`),
    never a refusal; `publish_scenario` is the strict, deliberate publish.
    """
    ensure_author(author)
    scenario = Scenario(
        author=author,
        title=(title or "").strip(),
        description=description or "",
        language=(language or "en").strip(),
        tags=_clean_tags(tags),
        ifid=new_ifid(),
        is_published=bool(is_published),
    )
    scenario.slug = unique_slug(scenario.title)
    validate_fields(scenario)
    scenario.save()
    return scenario


def update_scenario(*, editor: User, scenario: Scenario, **changes) -> Scenario:
    """Change a story's own fields; `is_published` leniently, as `create_scenario` takes it."""
    ensure_can_edit(editor, scenario)
    _refuse_unknown(changes, SCENARIO_FIELDS, "story")
    if "tags" in changes:
        changes["tags"] = _clean_tags(changes["tags"])
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
    if "is_published" in changes:
        changes["is_published"] = bool(changes["is_published"])
    with _applied(scenario, changes):
        check_scenario(scenario, publishing=False)
    with recorded(editor=editor, scenario_id=scenario.pk, kind="story", label="edit the story's details") as journal:
        journal.watch_query("scenario", Scenario.objects.filter(pk=scenario.pk))
        scenario.save()
    return scenario


def publish_scenario(*, editor: User, scenario: Scenario) -> Scenario:
    """Publish a story an author deliberately asks to publish: refused while it cannot be played."""
    ensure_can_edit(editor, scenario)
    _ensure_publishable(scenario)
    return update_scenario(editor=editor, scenario=scenario, is_published=True)


def unpublish_scenario(*, editor: User, scenario: Scenario) -> Scenario:
    return update_scenario(editor=editor, scenario=scenario, is_published=False)


def delete_scenario(*, editor: User, scenario: Scenario) -> None:
    """Delete a story and everything it owns: scenes, choices, players' progress, its assets and their files."""
    ensure_can_edit(editor, scenario)
    files = stored_files(Asset.objects.filter(scenario=scenario))
    with transaction.atomic():
        PlayerProgress.objects.filter(scenario=scenario).delete()
        Choice.objects.filter(scenario=scenario).delete()
        Scene.objects.filter(scenario=scenario).delete()
        Asset.objects.filter(scenario=scenario).delete()  # other stories' scenes using them lose them
        scenario.delete()
    delete_stored_files(files)


def check_scenario(scenario: Scenario, *, publishing: bool) -> None:
    """The rules a story's own fields follow; a story being published must be playable."""
    validate_fields(scenario, exclude=() if scenario.slug else ("slug",))
    if publishing:
        _ensure_publishable(scenario)


def unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "story"
    slug, number = base, 2
    while Scenario.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _ensure_publishable(scenario: Scenario) -> None:
    story = load_story(scenario)
    problems = publishing_problems(story)
    if problems:
        listed = " ".join(problem.message for problem in problems)
        raise NotPlayable(f"“{scenario.title}” cannot be published yet. {listed}", story=story, problems=problems)


def _clean_tags(tags) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned = []
    for tag in tags or ():
        tag = str(tag).strip()
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned


# Scenes ------------------------------------------------------------------


def create_scene(
    *,
    editor: User,
    scenario: Scenario,
    title: str,
    text: str = "",
    order: int | None = None,
    is_start_scene: bool = False,
    is_end_scene: bool = False,
    ending_kind: str = "",
    position_x: float | None = None,
    position_y: float | None = None,
    image: Asset | None = None,
    sound: Asset | None = None,
    music: Asset | None = None,
    **state,
) -> Scene:
    """Add a scene. The first scene of a story becomes its start; a new start replaces the old one.

    `state`: the scene's `effects` or readable `effects_text` (see `state_changes`).
    """
    ensure_can_edit(editor, scenario)
    _refuse_unknown(state, {"effects", "effects_text"}, "scene")
    state = state_changes(scenario, state)
    ensure_visible_media(editor, {"image": image, "sound": sound, "music": music})
    _ensure_consistent_ending(is_end_scene=is_end_scene, ending_kind=ending_kind)
    ensure_unique_title(scenario_id=scenario.pk, title=title)
    siblings = Scene.objects.filter(scenario=scenario)
    is_first = not siblings.exists()
    if order is None or position_x is None:
        last = siblings.aggregate(order=Max("order"), x=Max("position_x"))
        if order is None:
            order = 0 if last["order"] is None else last["order"] + 1
        if position_x is None:
            position_x = 0.0 if last["x"] is None else last["x"] + NEW_SCENE_SPACING
    scene = Scene(
        scenario=scenario,
        title=(title or "").strip(),
        text=text or "",
        order=order,
        is_start_scene=is_start_scene or is_first,
        is_end_scene=is_end_scene,
        ending_kind=ending_kind or "",
        position_x=position_x,
        position_y=0.0 if position_y is None else position_y,
        image=image,
        sound=sound,
        music=music,
        effects=state.get("effects") or [],
    )
    check_scene(scene)
    with recorded(editor=editor, scenario_id=scenario.pk, kind="scene") as journal:
        journal.watch_query("scene", siblings.filter(is_start_scene=True))
        with transaction.atomic():
            if scene.is_start_scene:
                siblings.filter(is_start_scene=True).update(is_start_scene=False)
            scene.save()
        journal.add("scene", scene)
    return scene


def ensure_visible_media(editor: User, media: dict) -> None:
    """Each asset given to a scene must be one the editor may see; another's private media is "not found"."""
    for name, asset in media.items():
        if asset is not None:
            get_visible_asset(editor, asset.pk, what=f"{name} asset")


def version_of(document) -> str:
    """The edit version a form or client holds: the count of the document's saves."""
    return str(document.version)


STALE_SCENE = (
    "This scene was saved elsewhere (another tab or another author) since you opened it. "
    "Your text is kept here: copy what you need, then reload the scene to see the saved one."
)


def update_scene(*, editor: User, scene: Scene, expected_version: str | None = None, **changes) -> Scene:
    """Save changes; with `expected_version`, refuse if someone saved the scene since that version.

    The save is one conditional write: with a version, it lands only if the stored version is still
    that one (of two saves over the same version, exactly one wins); without, it writes only the
    fields it was given, so it never overwrites what another save changed beside them.
    """
    ensure_can_edit(editor, scene.scenario)
    _refuse_unknown(changes, SCENE_FIELDS, "scene")
    changes = state_changes(scene.scenario, changes)
    expected = _expected_version(expected_version)
    ensure_visible_media(editor, {name: changes[name] for name in MEDIA_TYPES if name in changes})
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
        if changes["title"] != scene.title:
            ensure_unique_title(scenario_id=scene.scenario_id, title=changes["title"], scene_id=scene.pk)
    if changes.get("ending_kind"):
        _ensure_consistent_ending(
            is_end_scene=changes.get("is_end_scene", scene.is_end_scene), ending_kind=changes["ending_kind"]
        )
    loaded = {field.attname: getattr(scene, field.attname) for field in scene._meta.concrete_fields}
    with _applied(scene, changes):
        check_scene(scene)
        given = {Scene._meta.get_field(name).attname for name in changes}
        fields = {
            name: getattr(scene, name)
            for name, value in loaded.items()
            if name in given or getattr(scene, name) != value
        }
        for written_below in ("id", "version", "updated_at"):
            fields.pop(written_below, None)
        now = timezone.now()
        journal = recorded(editor=editor, scenario_id=scene.scenario_id, kind="scene")
        with journal as watched, transaction.atomic():
            watched.watch_query(
                "scene",
                Scene.objects.filter(Q(pk=scene.pk) | Q(scenario_id=scene.scenario_id, is_start_scene=True))
                if changes.get("is_start_scene")
                else Scene.objects.filter(pk=scene.pk),
            )
            if changes.get("is_start_scene"):
                Scene.objects.filter(scenario_id=scene.scenario_id, is_start_scene=True).exclude(pk=scene.pk).update(
                    is_start_scene=False
                )
            saved = Scene.objects.filter(pk=scene.pk)
            if expected is not None:
                if not saved.filter(version=expected).update(**fields, version=expected + 1, updated_at=now):
                    raise StoryRuleError(STALE_SCENE)  # rolls back the start-scene change with it
                scene.version = expected + 1
            else:
                if not saved.update(**fields, version=F("version") + 1, updated_at=now):
                    raise NotFound(f"The scene “{scene.title}” was deleted meanwhile.")
                scene.version = saved.values_list("version", flat=True).first() or 0
        scene.updated_at = now
    return scene


def _ensure_consistent_ending(*, is_end_scene: bool, ending_kind: str) -> None:
    """A kind of ending belongs to an ending: a kind on a scene that is no ending is refused, not dropped."""
    if ending_kind and not is_end_scene:
        raise StoryRuleError(
            "Only an ending has a kind of ending: mark the scene as an ending, or choose “Not an ending”.",
            field_errors={"ending_kind": ["Only an ending has a kind of ending."]},
        )


def ensure_unique_title(*, scenario_id, title: str, scene_id=None) -> None:
    """Two scenes of a story never share a title (compared without case or extra spaces)."""
    key = title_key(title)
    if not key:
        return  # an empty title is refused by the field's own check, with its own message
    others = Scene.objects.filter(scenario_id=scenario_id)
    if scene_id is not None:
        others = others.exclude(pk=scene_id)
    if any(title_key(other) == key for other in others.values_list("title", flat=True)):
        raise StoryRuleError(
            f"This story already has a scene called “{title.strip()}”: give this one another title.",
            field_errors={"title": [f"Another scene of this story is already called “{title.strip()}”."]},
        )


def free_scene_title(*, scenario_id, base: str = "New scene") -> str:
    """`base`, or `base 2`, `base 3`… : the first title no scene of the story has yet."""
    taken = {
        title_key(title) for title in Scene.objects.filter(scenario_id=scenario_id).values_list("title", flat=True)
    }
    title, number = base, 2
    while title_key(title) in taken:
        title, number = f"{base} {number}", number + 1
    return title


def _expected_version(value) -> int | None:
    """The version a client read; one that is no version count (an older client's) is stale."""
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise StoryRuleError(STALE_SCENE) from None


def set_start_scene(*, editor: User, scene: Scene) -> Scene:
    return update_scene(editor=editor, scene=scene, is_start_scene=True)


def move_scene(*, editor: User, scene: Scene, x: float, y: float) -> Scene:
    """Store a scene's position on the story map."""
    ensure_can_edit(editor, scene.scenario)
    scene.position_x, scene.position_y = _coordinate(x, "x"), _coordinate(y, "y")
    with recorded(editor=editor, scenario_id=scene.scenario_id, kind="move") as journal:
        journal.watch_query("scene", Scene.objects.filter(pk=scene.pk))
        Scene.objects.filter(pk=scene.pk).update(position_x=scene.position_x, position_y=scene.position_y)
    return scene


def delete_scene(*, editor: User, scene: Scene) -> None:
    """Delete a scene with the choices that lead to it or leave it; players there go back to the start."""
    scenario = scene.scenario
    ensure_can_edit(editor, scenario)
    journal = recorded(editor=editor, scenario_id=scenario.pk, kind="delete_scene")
    with journal as watched, transaction.atomic():
        watched.watch_query("choice", Choice.objects.filter(scenario=scenario, from_scene=scene))
        watched.watch_query("choice", Choice.objects.filter(scenario=scenario, to_scene=scene))
        watched.watch_query("scene", Scene.objects.filter(pk=scene.pk))
        Choice.objects.filter(scenario=scenario, from_scene=scene).delete()
        Choice.objects.filter(scenario=scenario, to_scene=scene).delete()
        Asset.objects.filter(scene=scene).update(scene=None)
        start = Scene.objects.filter(scenario=scenario, is_start_scene=True).exclude(pk=scene.pk).first()
        players_here = PlayerProgress.objects.filter(scenario=scenario, current_scene=scene)
        if start is None:
            players_here.delete()
        else:
            players_here.update(current_scene=start, is_completed=False, completed_at=None)
        scene.delete()


def check_scene(scene: Scene) -> None:
    """Normalise and check a scene's fields before it is written."""
    if scene.is_end_scene and not scene.ending_kind:
        scene.ending_kind = EndingKind.NEUTRAL
    if not scene.is_end_scene:
        scene.ending_kind = ""
    scene.position_x = _coordinate(scene.position_x, "x")
    scene.position_y = _coordinate(scene.position_y, "y")
    validate_fields(scene)
    for name, allowed in MEDIA_TYPES.items():
        asset = getattr(scene, name)
        if asset is not None and asset.type not in allowed:
            raise StoryRuleError(
                f"The {name} of a scene must be an asset of type {' or '.join(sorted(allowed))}, not “{asset.type}”.",
                field_errors={name: [f"Choose an asset of type {' or '.join(sorted(allowed))}."]},
            )


def _coordinate(value, axis: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or abs(number) > 1_000_000:
        raise StoryRuleError(
            f"The map position {axis} must be a number between -1000000 and 1000000.",
            field_errors={f"position_{axis}": ["Enter a number between -1000000 and 1000000."]},
        )
    return number


# Choices -----------------------------------------------------------------


def create_choice(
    *,
    editor: User,
    from_scene: Scene,
    to_scene: Scene,
    text: str,
    condition: dict | None = None,
    order: int | None = None,
    **state,
) -> Choice:
    """Link two scenes of the same story; refuse links across stories.

    `state`: `condition_text`, `effects` / `effects_text` and `locked_reason` (see `state_changes`).
    """
    ensure_can_edit(editor, from_scene.scenario)
    _refuse_unknown(state, {"locked_reason", "effects", "condition_text", "effects_text"}, "choice")
    state = state_changes(from_scene.scenario, state)
    condition = state.pop("condition", condition)
    if order is None:
        last = Choice.objects.filter(scenario_id=from_scene.scenario_id, from_scene=from_scene).aggregate(
            order=Max("order")
        )["order"]
        order = 0 if last is None else last + 1
    choice = Choice(
        scenario_id=from_scene.scenario_id,
        from_scene=from_scene,
        to_scene=to_scene,
        text=(text or "").strip(),
        condition={} if condition is None else condition,
        order=order,
        locked_reason=(state.get("locked_reason") or "").strip(),
        effects=state.get("effects") or [],
    )
    check_choice(choice)
    with recorded(editor=editor, scenario_id=choice.scenario_id, kind="choice") as journal:
        choice.save()
        journal.add("choice", choice)
    return choice


def update_choice(*, editor: User, choice: Choice, **changes) -> Choice:
    ensure_can_edit(editor, choice.scenario)
    _refuse_unknown(changes, CHOICE_FIELDS, "choice")
    changes = state_changes(choice.scenario, changes)
    if "locked_reason" in changes:
        changes["locked_reason"] = (changes["locked_reason"] or "").strip()
    if "text" in changes:
        changes["text"] = (changes["text"] or "").strip()
    if "condition" in changes and changes["condition"] is None:
        changes["condition"] = {}
    with _applied(choice, changes):
        check_choice(choice)
    with recorded(editor=editor, scenario_id=choice.scenario_id, kind="choice") as journal:
        journal.watch_query("choice", Choice.objects.filter(pk=choice.pk))
        choice.save()
    return choice


def delete_choice(*, editor: User, choice: Choice) -> None:
    ensure_can_edit(editor, choice.scenario)
    with recorded(editor=editor, scenario_id=choice.scenario_id, kind="delete_choice") as journal:
        journal.watch_query("choice", Choice.objects.filter(pk=choice.pk))
        choice.delete()


def delete_choices(*, editor: User, choices: list[Choice]) -> int:
    """Delete several choices at once: all of them, or none if any may not be deleted."""
    for choice in choices:
        ensure_can_edit(editor, choice.scenario)
    journal = recorded(
        editor=editor,
        scenario_id=choices[0].scenario_id if choices else None,
        kind="delete_choice",
        label=f"delete {len(choices)} choices",
    )
    with journal as watched, transaction.atomic():
        watched.watch("choice", choices)
        for choice in choices:
            choice.delete()
    return len(choices)


def check_choice(choice: Choice) -> None:
    """A choice leads to a scene of its own story and carries a JSON-object condition."""
    if choice.to_scene is None:
        raise StoryRuleError(
            "A choice must lead to a scene.", field_errors={"to_scene": ["Pick the scene it leads to."]}
        )
    if choice.to_scene.scenario_id != choice.scenario_id:
        raise StoryRuleError(
            "A choice can only lead to a scene of the same story.",
            field_errors={"to_scene": ["Pick a scene of this story."]},
        )
    if not isinstance(choice.condition, dict):
        raise StoryRuleError(
            'A choice\'s condition must be a JSON object, such as {} or {"has": "key"}.',
            field_errors={"condition": ["Enter a JSON object."]},
        )
    validate_fields(choice)


@contextmanager
def _applied(instance, changes: dict):
    """Set `changes` on `instance`; if the checks inside refuse them, put the old values back."""
    # Restoring attnames (`image_id`) also drops a cached related object that no longer matches.
    previous = {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}
    for name, value in changes.items():
        setattr(instance, name, value)
    try:
        yield
    except StoryError:
        for name, value in previous.items():
            setattr(instance, name, value)
        raise


def _refuse_unknown(changes: dict, allowed: set[str], what: str) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise StoryRuleError(f"These fields of a {what} cannot be changed here: {', '.join(unknown)}.")


def place_scenes(*, editor: User, scenario: Scenario, positions: dict) -> dict:
    """Move many scenes at once (tidy up, undo); returns the positions they had, for undoing."""
    ensure_can_edit(editor, scenario)
    try:
        wanted = {
            scene_id if not isinstance(scene_id, str) else ObjectId(scene_id): place
            for scene_id, place in positions.items()
        }
    except InvalidId as error:
        raise StoryRuleError("A scene to move could not be read. Reload the page.") from error
    # Only the scenes moved are read and watched by the journal: a drop of one card in 2,000 stays small.
    scenes = {scene.pk: scene for scene in Scene.objects.filter(scenario=scenario, pk__in=list(wanted))}
    previous = {str(pk): (scene.position_x, scene.position_y) for pk, scene in scenes.items()}
    checked = {}
    for scene_id, (x, y) in wanted.items():
        if scene_id in scenes:
            checked[scene_id] = (_coordinate(x, "x"), _coordinate(y, "y"))
    journal = recorded(
        editor=editor, scenario_id=scenario.pk, kind="tidy_up", label="tidy up" if len(checked) != 1 else ""
    )
    with journal as watched, transaction.atomic():
        watched.watch("scene", [scenes[pk] for pk in checked])
        for scene_id, (x, y) in checked.items():
            Scene.objects.filter(pk=scene_id).update(position_x=x, position_y=y)
    return previous


GROUP_NAME_MAX = 60


def group_scenes(*, editor: User, scenario: Scenario, scene_ids: Iterable, name: str) -> int:
    """Put scenes of the story in the group `name` (a chapter, drawn as a box on the map); "" takes them out.

    One step of the history; returns how many scenes changed.
    """
    ensure_can_edit(editor, scenario)
    name = (name or "").strip()
    if len(name) > GROUP_NAME_MAX:
        raise on_field("group", f"A group's name is at most {GROUP_NAME_MAX} characters.")
    try:
        wanted = {ObjectId(str(pk)) for pk in scene_ids}
    except (TypeError, ValueError, InvalidId) as error:
        raise StoryRuleError("A scene to group could not be read. Reload the page.") from error
    scenes = list(Scene.objects.filter(scenario=scenario, pk__in=wanted))
    if not wanted or len(scenes) != len(wanted):
        raise StoryRuleError(
            "Select scenes of this story to group."
            if not wanted
            else "A scene to group is no longer in the story. Reload the page."
        )
    changing = [scene for scene in scenes if scene.group != name]
    with recorded(editor=editor, scenario_id=scenario.pk, kind="group") as journal, transaction.atomic():
        journal.watch("scene", changing)
        Scene.objects.filter(pk__in=[scene.pk for scene in changing]).update(group=name)
    return len(changing)


def tidy_up(*, editor: User, scenario: Scenario) -> dict:
    """Lay the story out in columns from its start, left to right; returns the previous positions."""
    return place_scenes(editor=editor, scenario=scenario, positions=layered_positions(load_story(scenario)))


def reorder_choice(*, editor: User, choice: Choice, offset: int) -> None:
    """Move a choice up (-1) or down (+1) among the choices of its scene."""
    ensure_can_edit(editor, choice.scenario)
    siblings = sorted(
        Choice.objects.filter(scenario_id=choice.scenario_id, from_scene_id=choice.from_scene_id),
        key=lambda sibling: (sibling.order, sibling.created_at),
    )
    index = next(position for position, sibling in enumerate(siblings) if sibling.pk == choice.pk)
    target = index + offset
    if not 0 <= target < len(siblings):
        return
    siblings.insert(target, siblings.pop(index))
    journal = recorded(
        editor=editor,
        scenario_id=choice.scenario_id,
        kind="reorder",
        label=f"reorder the choices of “{choice.from_scene.title}”",
    )
    with journal as watched, transaction.atomic():
        watched.watch("choice", siblings)
        for order, sibling in enumerate(siblings):
            if sibling.order != order:
                Choice.objects.filter(pk=sibling.pk).update(order=order)
