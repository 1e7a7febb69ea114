"""Where a story's scenes sit on its map: moving them, tidying up, grouping them in chapters."""

import math
from collections.abc import Iterable

from bson import ObjectId
from bson.errors import InvalidId
from django.utils.translation import gettext_noop
from django_mongodb_backend import transaction

from ..exceptions import StoryRuleError, on_field
from ..layout import layered_positions
from ..models import Scenario, Scene, User
from ..permissions import ensure_can_edit
from ..selectors import load_story
from .history import recorded, worded


def move_scene(*, editor: User, scene: Scene, x: float, y: float) -> Scene:
    """Store a scene's position on the story map."""
    ensure_can_edit(editor, scene.scenario)
    scene.position_x, scene.position_y = map_coordinate(x, "x"), map_coordinate(y, "y")
    with recorded(editor=editor, scenario_id=scene.scenario_id, kind="move") as journal:
        journal.watch_query("scene", Scene.objects.filter(pk=scene.pk))
        Scene.objects.filter(pk=scene.pk).update(position_x=scene.position_x, position_y=scene.position_y)
    return scene


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
            checked[scene_id] = (map_coordinate(x, "x"), map_coordinate(y, "y"))
    journal = recorded(
        editor=editor,
        scenario_id=scenario.pk,
        kind="tidy_up",
        label=worded(gettext_noop("tidy up")) if len(checked) != 1 else None,
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


def map_coordinate(value, axis: str) -> float:
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
