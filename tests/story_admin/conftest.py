"""Fixtures shared by the domain's tests."""

import pytest

from story_admin.models import Choice
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


@pytest.fixture
def gql_client(client):
    return GraphQLClient(client)
