"""Fixtures shared by the domain's tests."""

import pytest

from story_admin.models import Choice, Scene
from tests.factories import ScenarioFactory, SceneFactory
from tests.graphql_client import GraphQLClient


@pytest.fixture
def story(author):
    """start → middle → (happy end | back to start)."""
    scenario = ScenarioFactory(author=author, title="The Cellar")
    start = SceneFactory(scenario=scenario, title="Start", is_start_scene=True, order=0)
    middle = SceneFactory(scenario=scenario, title="Middle", order=1)
    end = SceneFactory(scenario=scenario, title="End", is_end_scene=True, ending_kind="happy", order=2)
    Choice.objects.create(scenario=scenario, from_scene=start, to_scene=middle, text="Go down", order=0)
    Choice.objects.create(scenario=scenario, from_scene=middle, to_scene=end, text="Open the door", order=0)
    Choice.objects.create(scenario=scenario, from_scene=middle, to_scene=start, text="Climb back", order=1)
    return scenario


def build_story(author, scene_count: int, *, published: bool = False):
    """A chain of `scene_count` scenes, each with two choices, inserted in bulk."""
    scenario = ScenarioFactory(author=author, is_published=published)
    scenes = Scene.objects.bulk_create(
        Scene(scenario=scenario, title=f"Scene {n}", text="…", order=n, is_start_scene=n == 0,
              is_end_scene=n == scene_count - 1, ending_kind="happy" if n == scene_count - 1 else "")
        for n in range(scene_count)
    )
    Choice.objects.bulk_create(
        Choice(scenario=scenario, from_scene=scene, to_scene=target, text=label)
        for index, scene in enumerate(scenes[:-1])
        for target, label in ((scenes[index + 1], "Forward"), (scenes[max(index - 1, 0)], "Back"))
    )
    return scenario


@pytest.fixture
def gql_client(client):
    return GraphQLClient(client)
