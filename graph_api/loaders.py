"""Per-request memory of loaded stories, so nested fields never query in a loop."""

from bson import ObjectId

from story_admin.models import Scenario
from story_admin.selectors import load_story
from story_admin.story import Story


def story_of(info, scenario: Scenario) -> Story:
    """The whole story, loaded once per request (three queries) however many fields read it."""
    cache: dict[ObjectId, Story] = info.context.__dict__.setdefault("_loaded_stories", {})
    if scenario.pk not in cache:
        cache[scenario.pk] = load_story(scenario)
    return cache[scenario.pk]


def scenario_of(info, scenario_id: ObjectId) -> Scenario:
    cache: dict[ObjectId, Story] = info.context.__dict__.setdefault("_loaded_stories", {})
    if scenario_id in cache:
        return cache[scenario_id].scenario
    return Scenario.objects.select_related("author").get(pk=scenario_id)
