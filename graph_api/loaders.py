"""Per-request memory of loaded stories, so nested fields never query in a loop."""

from bson import ObjectId

from story_admin.models import Scenario
from story_admin.selectors import StoryPart, load_step, load_stories
from story_admin.story import Story


def story_of(info, scenario: Scenario) -> Story:
    """The whole story, loaded once per request (three queries) however many fields read it.

    A story that came in a list (`listed`) is loaded with every other listed one not loaded yet, in the
    same three queries: a list of 100 stories with their scenes costs what one does.
    """
    cache: dict[ObjectId, Story] = info.context.__dict__.setdefault("_loaded_stories", {})
    if scenario.pk not in cache:
        pending: dict = info.context.__dict__.get("_listed_scenarios", {})
        batch = [listed for pk, listed in pending.items() if pk not in cache] if scenario.pk in pending else []
        cache.update(load_stories(batch or [scenario]))
    return cache[scenario.pk]


def listed(info, scenarios) -> list:
    """The stories of a list result (or the stories of listed progress), remembered for `story_of`'s batches."""
    scenarios = list(scenarios)
    pending: dict = info.context.__dict__.setdefault("_listed_scenarios", {})
    for scenario in scenarios:
        pending.setdefault(scenario.pk, scenario)
    return scenarios


def scenario_of(info, scenario_id: ObjectId) -> Scenario:
    cache: dict[ObjectId, Story] = info.context.__dict__.setdefault("_loaded_stories", {})
    if scenario_id in cache:
        return cache[scenario_id].scenario
    return Scenario.objects.select_related("author").get(pk=scenario_id)


def listed_progress(info, progress) -> list:
    """A list of progress records, their stories remembered for `story_of`'s batches."""
    progress = list(progress)
    listed(info, [record.scenario for record in progress])
    return progress


def remember_step(info, part: StoryPart) -> StoryPart:
    """The part of a story a player's step read (`load_step`), for the payload's fields about the scene reached."""
    info.context.__dict__.setdefault("_story_steps", {})[(part.scenario.pk, part.reached)] = part
    return part


def story_around(info, scenario: Scenario, scene_id, *, read: bool = False) -> Story:
    """A story that holds this scene, its choices and the scenes they lead to: the whole story if this request
    loaded it, else the part a step read around the scene, else the whole story (loaded now). With `read`, a
    part around the scene is read rather than the whole story (two commands at any size: a step's message)."""
    loaded: dict = info.context.__dict__.get("_loaded_stories", {})
    if scenario.pk in loaded:
        return loaded[scenario.pk]
    part = info.context.__dict__.get("_story_steps", {}).get((scenario.pk, scene_id))
    if part is not None:
        return part
    if read and scene_id is not None:
        return remember_step(info, load_step(scenario, from_scene_id=None, to_scene_id=scene_id))
    return story_of(info, scenario)
