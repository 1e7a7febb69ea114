"""makeChoice and recordProgress read only the step's part of the story, and their payload is what reading the
progress afterwards (the whole story) answers, field for field: players' apps see no difference."""

import pytest

from story_admin.demo import ensure_demo

pytestmark = pytest.mark.django_db

FIELDS = """mongoId isCompleted state progressPercentage
  currentSceneId { mongoId title text isEndScene imageId { mongoId } soundId { mongoId }
    choices { mongoId text condition fromSceneId { mongoId } toSceneId { mongoId title isEndScene } } }
  availableChoices { available reason choice { mongoId text toSceneId { mongoId title } } }
  history { sceneId { mongoId } choiceId { mongoId } }"""
START = "mutation($s: ID!) { startScenario(scenarioId: $s) { success message progress { " + FIELDS + " } } }"
CHOOSE = (
    "mutation($s: ID!, $c: ID!) { makeChoice(scenarioId: $s, choiceId: $c) { success message progress { "
    + FIELDS
    + " } } }"
)
RECORD = (
    "mutation($p: ID!, $scene: ID!, $c: ID) { recordProgress(input: {progressId: $p, sceneId: $scene, choiceId: $c})"
    " { success message progress { " + FIELDS + " } } }"
)
READ = "query($s: ID!) { myProgress(scenarioId: $s) { " + FIELDS + " } }"


def first_open(progress: dict) -> dict:
    return next(verdict["choice"] for verdict in progress["availableChoices"] if verdict["available"])


def test_each_steps_payload_is_what_reading_the_progress_answers(gql, player):
    story, _ = ensure_demo()
    gql.as_user(player)
    variables = {"s": str(story.pk)}
    progress = gql.data(START, variables)["startScenario"]["progress"]
    assert progress == gql.data(READ, variables)["myProgress"][0]
    steps = 0
    while progress["availableChoices"] and steps < 8:
        choice = first_open(progress)
        if steps % 3 == 0:
            answer = gql.data(CHOOSE, {**variables, "c": choice["mongoId"]})["makeChoice"]
        elif steps % 3 == 1:
            answer = gql.data(
                RECORD, {"p": progress["mongoId"], "scene": choice["toSceneId"]["mongoId"], "c": choice["mongoId"]}
            )["recordProgress"]
        else:  # the old clients' way: the scene only, the choice that leads there recorded
            answer = gql.data(RECORD, {"p": progress["mongoId"], "scene": choice["toSceneId"]["mongoId"]})[
                "recordProgress"
            ]
        assert answer["success"], answer["message"]
        progress = answer["progress"]
        assert progress["currentSceneId"]["mongoId"] == choice["toSceneId"]["mongoId"]
        assert progress == gql.data(READ, variables)["myProgress"][0]
        steps += 1
    assert steps >= 3


def test_a_refused_choice_changes_nothing_and_says_why(gql, player):
    story, _ = ensure_demo()
    gql.as_user(player)
    variables = {"s": str(story.pk)}
    progress = gql.data(START, variables)["startScenario"]["progress"]
    moved = gql.data(CHOOSE, {**variables, "c": first_open(progress)["mongoId"]})["makeChoice"]["progress"]
    back_there = progress["currentSceneId"]["choices"][0]["mongoId"]  # a choice of the scene left
    refused = gql.data(CHOOSE, {**variables, "c": back_there})["makeChoice"]
    assert refused == {
        "success": False,
        "message": "That choice does not belong to the player's current scene.",
        "progress": None,
    }
    assert gql.data(READ, variables)["myProgress"][0] == moved
