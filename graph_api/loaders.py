"""Per-request memory of loaded stories, so nested fields never query in a loop."""

from bson import ObjectId

from story_admin.models import Scenario
from story_admin.selectors import load_stories
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
