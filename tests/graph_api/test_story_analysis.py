"""`storyAnalysis` for the story's author: endings with chance and witness path, the state problems (also in the
story's `problems`), coverage; another author or a player is told the story does not exist."""

import json

import pytest

from story_admin.models import Choice
from story_admin.services import state as declarations
from story_admin.state.expressions import parse_condition, parse_effects
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db

ANALYSIS = """query($id: ID!) { storyAnalysis(scenarioId: $id) { complete statesExplored summary playthroughs
    endings { scene { title } reachable probability exact minSteps medianSteps
              path { scene { title } choice { text } state } }
    problems { code message scene { title } choice { text } }
    coverage { scene { title } visits share } } }"""
PROBLEMS = "query($id: ID!) { scenario(id: $id) { problems { code scene { title } } } }"


@pytest.fixture
def dice_story(author):
    story = ScenarioFactory(author=author, title="Les dés", is_published=True)
    declarations.declare_variable(editor=author, scenario=story, name="luck", kind="number", initial=0)
    declarations.declare_item(editor=author, scenario=story, name="key")
    table = SceneFactory(scenario=story, title="Table", is_start_scene=True)
    dice = SceneFactory(scenario=story, title="Dice", effects=parse_effects("luck = 2d6"))
    jackpot = SceneFactory(scenario=story, title="Jackpot", is_end_scene=True)
    home = SceneFactory(scenario=story, title="Home", is_end_scene=True)
    vault = SceneFactory(scenario=story, title="Vault", is_end_scene=True)
    Choice.objects.create(scenario=story, from_scene=table, to_scene=dice, text="Throw")
    Choice.objects.create(
        scenario=story,
        from_scene=dice,
        to_scene=jackpot,
        text="Collect",
        order=0,
        condition=parse_condition("luck == 12"),
    )
    Choice.objects.create(
        scenario=story, from_scene=dice, to_scene=home, text="Go home", order=1, condition=parse_condition("luck < 12")
    )
    Choice.objects.create(
        scenario=story,
        from_scene=table,
        to_scene=vault,
        text="Open the vault",
        order=2,
        condition=parse_condition('has("key")'),
    )
    return story


def test_the_author_gets_endings_chances_paths_problems_and_coverage(gql, author, dice_story):
    gql.as_user(author)
    analysis = gql.data(ANALYSIS, {"id": str(dice_story.pk)})["storyAnalysis"]
    assert analysis["complete"] and analysis["playthroughs"] == 10_000
    assert analysis["summary"] == f"complete: {analysis['statesExplored']} states explored"
    endings = {ending["scene"]["title"]: ending for ending in analysis["endings"]}
    assert endings["Jackpot"]["probability"] == pytest.approx(1 / 36, abs=1e-12)
    assert endings["Home"]["probability"] == pytest.approx(35 / 36, abs=1e-12)
    assert endings["Vault"] == {**endings["Vault"], "reachable": False, "probability": 0.0, "path": []}
    path = endings["Jackpot"]["path"]
    assert [(step["scene"]["title"], step["choice"] and step["choice"]["text"]) for step in path] == [
        ("Table", None),
        ("Dice", "Throw"),
        ("Jackpot", "Collect"),
    ]
    assert json.loads(path[-1]["state"])["variables"] == {"luck": 12}
    codes = {(problem["code"], problem["scene"] and problem["scene"]["title"]) for problem in analysis["problems"]}
    assert {("ENDING_UNREACHABLE", "Vault"), ("ITEM_NEVER_GAINED", None)} <= codes
    coverage = {row["scene"]["title"]: row for row in analysis["coverage"]}
    assert coverage["Table"]["share"] == 1.0 and coverage["Vault"]["visits"] == 0
    # the same codes in the story's problems list
    listed = {
        (problem["code"], problem["scene"] and problem["scene"]["title"])
        for problem in gql.data(PROBLEMS, {"id": str(dice_story.pk)})["scenario"]["problems"]
    }
    assert ("ENDING_UNREACHABLE", "Vault") in listed and ("ITEM_NEVER_GAINED", None) in listed


@pytest.mark.parametrize("who", ["other_author", "player", None])
def test_anyone_else_is_told_the_story_does_not_exist(gql, request, dice_story, who):
    gql.as_user(request.getfixturevalue(who) if who else None)
    result = gql(ANALYSIS, {"id": str(dice_story.pk)})
    assert result["data"]["storyAnalysis"] is None
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "No story has the id" in result["errors"][0]["message"]


def test_a_superuser_may_read_it(gql, dice_story, django_user_model):
    admin = django_user_model.objects.create_superuser("root@example.com", "pw-long-enough-1")
    gql.as_user(admin)
    assert gql.data(ANALYSIS, {"id": str(dice_story.pk)})["storyAnalysis"]["complete"]
