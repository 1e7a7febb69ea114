"""Writing a story's scenes: create, edit (one conditional, versioned write), delete, and their rules."""

from django.db.models import F, Q
from django.utils import timezone
from django_mongodb_backend import transaction

from ..exceptions import NotFound, StoryRuleError
from ..models import Asset, Choice, EndingKind, MediaKind, Scene, Scenario, User
from ..permissions import ensure_can_edit
from ..selectors import get_visible_asset, title_key
from ._validation import applied, refuse_unknown, validate_fields
from .history import recorded
from .layout import map_coordinate
from .progress import send_players_back
from .state import state_changes

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
MEDIA_TYPES = {kind.field: kind.accepted_types for kind in MediaKind}
NEW_SCENE_SPACING = 260.0


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
    refuse_unknown(state, {"effects", "effects_text"}, "scene")
    state = state_changes(scenario, state)
    ensure_visible_media(editor, {"image": image, "sound": sound, "music": music})
    _ensure_consistent_ending(is_end_scene=is_end_scene, ending_kind=ending_kind)
    siblings = Scene.objects.filter(scenario=scenario)
    # One read for the unique title, "first scene?" and the next order and place: the titles are read anyway.
    others = list(siblings.values_list("title", "order", "position_x"))
    ensure_unique_title(scenario_id=scenario.pk, title=title, titles=[other[0] for other in others])
    is_first = not others
    if order is None:
        order = max((other[1] for other in others), default=-1) + 1
    if position_x is None:
        position_x = max((other[2] for other in others), default=-NEW_SCENE_SPACING) + NEW_SCENE_SPACING
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
        if scene.is_start_scene and not is_first:  # the old start gives way, in the same transaction
            journal.watch_query("scene", siblings.filter(is_start_scene=True))
            with transaction.atomic():
                siblings.filter(is_start_scene=True).update(is_start_scene=False)
                scene.save()
        else:
            scene.save()  # one insert: atomic by itself
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


def at_version(scenes, version: int):
    """The scenes still at `version`, for a conditional write.

    A range, not `version=`: the embedded server misses an equal integer that an increment (`F("version") + 1`:
    a save without a version, an undo) wrote, so every versioned save after one was refused as saved elsewhere.
    On MongoDB the two filters match the same documents."""
    return scenes.filter(version__gte=version, version__lte=version)


def update_scene(*, editor: User, scene: Scene, expected_version: str | None = None, **changes) -> Scene:
    """Save changes; with `expected_version`, refuse if someone saved the scene since that version.

    The save is one conditional write: with a version, it lands only if the stored version is still
    that one (of two saves over the same version, exactly one wins); without, it writes only the
    fields it was given, so it never overwrites what another save changed beside them.
    """
    ensure_can_edit(editor, scene.scenario)
    refuse_unknown(changes, SCENE_FIELDS, "scene")
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
    with applied(scene, changes):
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
                if not at_version(saved, expected).update(**fields, version=expected + 1, updated_at=now):
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


def ensure_unique_title(*, scenario_id, title: str, scene_id=None, titles: list[str] | None = None) -> None:
    """Two scenes of a story never share a title (compared without case or extra spaces).

    `titles`: the other scenes' titles when the caller has read them already."""
    key = title_key(title)
    if not key:
        return  # an empty title is refused by the field's own check, with its own message
    if titles is None:
        others = Scene.objects.filter(scenario_id=scenario_id)
        if scene_id is not None:
            others = others.exclude(pk=scene_id)
        titles = others.values_list("title", flat=True)
    if any(title_key(other) == key for other in titles):
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
        send_players_back(scenario, scene.pk)
        scene.delete()


def check_scene(scene: Scene) -> None:
    """Normalise and check a scene's fields before it is written."""
    if scene.is_end_scene and not scene.ending_kind:
        scene.ending_kind = EndingKind.NEUTRAL
    if not scene.is_end_scene:
        scene.ending_kind = ""
    scene.position_x = map_coordinate(scene.position_x, "x")
    scene.position_y = map_coordinate(scene.position_y, "y")
    validate_fields(scene)
    for name, allowed in MEDIA_TYPES.items():
        asset = getattr(scene, name)
        if asset is not None and asset.type not in allowed:
            raise StoryRuleError(
                f"The {name} of a scene must be an asset of type {' or '.join(sorted(allowed))}, not “{asset.type}”.",
                field_errors={name: [f"Choose an asset of type {' or '.join(sorted(allowed))}."]},
            )
