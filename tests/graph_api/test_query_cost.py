"""Query cost: fields times list sizes, fragments expanded, refused over GRAPHQL_MAX_COST; aliases counted expanded."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from graphql import parse
from graphql.utilities import TypeInfo
from graphql.validation import ValidationContext

from graph_api.schema import schema
from graph_api.validation import measure_operation
from story_admin.models import Choice
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db

COLLECTION = json.loads((Path(__file__).resolve().parents[2] / "VEH.postman_collection.json").read_text())
DEEP = """query($id: ID!) { scenario(id: $id) { scenesList { choices { toSceneId { choices { toSceneId {
  choices { toSceneId { choices { toSceneId { title text } } } } } } } } } } }"""
DEEP_IN_FRAGMENTS = """query($id: ID!) { scenario(id: $id) { scenesList { ...Hop } } }
fragment Hop on SceneType { choices { toSceneId { ...Hop2 } } }
fragment Hop2 on SceneType { choices { toSceneId { ...Hop3 } } }
fragment Hop3 on SceneType { choices { toSceneId { choices { toSceneId { title text } } } } }"""


def cost_of(document: str) -> int:
    ast = parse(document)
    context = ValidationContext(schema.graphql_schema, ast, TypeInfo(schema.graphql_schema), lambda error: None)
    operations = [definition for definition in ast.definitions if definition.kind == "operation_definition"]
    return max(measure_operation(context, operation, settings.GRAPHQL_MAX_PAGE_SIZE).cost for operation in operations)


@pytest.fixture
def tangled(author):
    """A published story of 13 scenes where every scene links to all the others."""
    story = ScenarioFactory(author=author, is_published=True)
    scenes = [SceneFactory(scenario=story, is_start_scene=n == 0) for n in range(13)]
    Choice.objects.bulk_create(
        Choice(scenario=story, from_scene=one, to_scene=other, text="Go")
        for one in scenes
        for other in scenes
        if one is not other
    )
    return story


@pytest.mark.parametrize("document", [DEEP, DEEP_IN_FRAGMENTS], ids=["written out", "in fragments"])
def test_a_costly_query_is_refused_with_its_cost_and_the_limit(gql, tangled, document):
    response = gql.post(document, {"id": str(tangled.pk)})
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "data" not in response.json()
    cost = cost_of(document)
    assert cost > settings.GRAPHQL_MAX_COST
    assert f"its cost is {cost}" in error["message"] and f"limit of {settings.GRAPHQL_MAX_COST}" in error["message"]


def test_the_limit_is_a_setting(gql, tangled, settings):
    settings.GRAPHQL_MAX_COST = cost_of(DEEP)
    assert "scenario" in gql.data(DEEP, {"id": str(tangled.pk)})


def test_aliases_in_fragments_are_counted_where_they_are_spread(gql):
    aliases = " ".join(f"a{n}: title" for n in range(15))
    spreads = " ".join(f"s{n}: allScenarios {{ ...Titles }}" for n in range(10))
    response = gql.post("{ %s } fragment Titles on ScenarioType { %s }" % (spreads, aliases))
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "more than 100 aliases (160, fragments included)" in error["message"]


def test_the_whole_story_and_every_contract_query_stay_under_the_limit(gql, tangled):
    documents = {
        item["name"]: item["request"]["body"]["graphql"]["query"]
        for folder in COLLECTION["item"]
        for item in folder["item"]
    }
    costs = {name: cost_of(document) for name, document in documents.items()}
    assert max(costs.values()) < settings.GRAPHQL_MAX_COST / 4, costs
    whole_story = documents["scenario (whole story, by id)"]
    assert whole_story.lstrip().startswith("query") and "scenario(id:" in whole_story
    variables = {"id": str(tangled.pk), "scenarioId": str(tangled.pk)}
    assert len(gql.data(whole_story, variables)["scenario"]["scenesList"]) == 13
