"""What the old backend's clients really send, replayed as they send it: the React editor and the Postman order.

Both send `isPublished: true` on every createScenario and updateScenario, on stories with no scene yet and on
stories under construction; those calls succeed, and what keeps the story from being played is reported.
"""

import pytest

from story_admin.models import Choice, Scenario, Scene
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = """mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token success message } }"""

GET_SCENARIOS = """query GetScenarios { allScenarios { id mongoId title description isPublished createdAt updatedAt
  authorId { mongoId firstName lastName } } }"""

GET_SCENARIO = """query GetScenarioById($scenarioId: ID!) { scenarioById(scenarioId: $scenarioId) {
  mongoId title description isPublished createdAt updatedAt
  scenesList { mongoId title text order isStartScene isEndScene
    imageId { mongoId url } soundId { mongoId url } musicId { mongoId url }
    choices { mongoId text order condition toSceneId { mongoId title } } } } }"""

CREATE_SCENARIO = """mutation CreateScenario($input: CreateScenarioInput!) { createScenario(input: $input) {
  success message scenario { mongoId title isPublished } problems { code message } } }"""

UPDATE_SCENARIO = """mutation UpdateScenario($scenarioId: ID!, $input: UpdateScenarioInput!) {
  updateScenario(scenarioId: $scenarioId, input: $input) {
    success message scenario { mongoId title description isPublished } problems { code message } } }"""

DELETE_SCENARIO = """mutation DeleteScenario($scenarioId: ID!) { deleteScenario(scenarioId: $scenarioId) {
  success message } }"""

CREATE_SCENE = """mutation CreateScene($input: CreateSceneInput!) { createScene(input: $input) {
  success message scene { mongoId title order isStartScene isEndScene } } }"""

CREATE_CHOICE = """mutation CreateChoice($input: CreateChoiceInput!) { createChoice(input: $input) {
  success message choice { mongoId text condition } } }"""

START = """mutation StartScenario($scenarioId: ID!) { startScenario(scenarioId: $scenarioId) {
  success message code progress { currentSceneId { title choices { mongoId text } } isCompleted } } }"""

MAKE_CHOICE = """mutation MakeChoice($scenarioId: ID!, $choiceId: ID!) {
  makeChoice(scenarioId: $scenarioId, choiceId: $choiceId) {
    success message code progress { currentSceneId { title isEndScene choices { mongoId } } isCompleted } } }"""


def editor_scene(scenario_id, title, text, order, *, start=False, end=False):
    """The scene form of the editor: every field, media and generation flags included."""
    return {
        "scenarioId": scenario_id,
        "title": title,
        "text": text,
        "order": order,
        "isStartScene": start,
        "isEndScene": end,
        "imageId": None,
        "soundId": None,
        "musicId": None,
        "autoGenerateImage": False,
        "autoGenerateSound": False,
        "autoGenerateMusic": False,
    }


def test_the_old_editor_session_as_it_really_sends(gql, author):
    gql.token = gql.data(LOGIN, {"email": author.email, "password": PASSWORD})["login"]["token"]
    assert gql.data(GET_SCENARIOS)["allScenarios"] == []

    # Opening the "new story" page sends GetScenarioById without its variable: a 400, as the old backend.
    assert gql.post(GET_SCENARIO, {}, operation_name="GetScenarioById").status_code == 400

    created = gql.data(
        CREATE_SCENARIO, {"input": {"title": "Le phare", "description": "Une nuit de tempête.", "isPublished": True}}
    )["createScenario"]
    assert created["success"], created
    assert created["scenario"]["isPublished"]
    assert created["message"] == "Story created. Not yet playable: The story has no scenes yet: add a first scene."
    assert [problem["code"] for problem in created["problems"]] == ["no_start"]
    story_id = created["scenario"]["mongoId"]

    gate = gql.data(CREATE_SCENE, {"input": editor_scene(story_id, "La grève", "Le vent siffle.", 0, start=True)})
    tower = gql.data(CREATE_SCENE, {"input": editor_scene(story_id, "La tour", "Un escalier.", 1)})
    assert gate["createScene"]["success"] and tower["createScene"]["success"]
    gate_id, tower_id = gate["createScene"]["scene"]["mongoId"], tower["createScene"]["scene"]["mongoId"]
    link = gql.data(
        CREATE_CHOICE,
        {"input": {"fromSceneId": gate_id, "toSceneId": tower_id, "text": "Monter", "condition": "{}", "order": 0}},
    )["createChoice"]
    assert link["success"], link

    # Saved again while "La tour" is a dead end and there is no ending.
    saved = gql.data(
        UPDATE_SCENARIO,
        {
            "scenarioId": story_id,
            "input": {"title": "Le phare", "description": "Une nuit de tempête, un gardien.", "isPublished": True},
        },
    )["updateScenario"]
    assert saved["success"], saved
    assert saved["message"] == "Story saved."
    assert saved["problems"] == []
    assert saved["scenario"]["isPublished"] and saved["scenario"]["description"].endswith("un gardien.")

    reloaded = gql.data(GET_SCENARIO, {"scenarioId": story_id})["scenarioById"]
    assert reloaded["isPublished"]
    assert [scene["title"] for scene in reloaded["scenesList"]] == ["La grève", "La tour"]
    assert reloaded["scenesList"][0]["choices"][0]["toSceneId"]["title"] == "La tour"

    deleted = gql.data(DELETE_SCENARIO, {"scenarioId": story_id})["deleteScenario"]
    assert deleted["success"]
    assert not Scenario.objects.exists() and not Scene.objects.exists() and not Choice.objects.exists()


def test_the_old_postman_collection_order(gql, author):
    author_token = gql.token = gql.data(LOGIN, {"email": author.email, "password": PASSWORD})["login"]["token"]
    created = gql.data(
        CREATE_SCENARIO, {"input": {"title": "La cave", "description": "A Postman story", "isPublished": True}}
    )["createScenario"]
    assert created["success"] and created["scenario"]["isPublished"]
    story_id = created["scenario"]["mongoId"]
    updated = gql.data(
        UPDATE_SCENARIO,
        {"scenarioId": story_id, "input": {"description": "Five rooms and a door", "isPublished": True}},
    )["updateScenario"]
    assert updated["success"] and "Not yet playable" in updated["message"]

    stairs = gql.data(
        CREATE_SCENE,
        {"input": {"scenarioId": story_id, "title": "L'escalier", "text": "Une lampe grésille.", "isStartScene": True}},
    )
    door = gql.data(
        CREATE_SCENE,
        {
            "input": {
                "scenarioId": story_id,
                "title": "La porte",
                "text": "Elle s'ouvre.",
                "order": 1,
                "isEndScene": True,
            }
        },
    )
    stairs_id, door_id = stairs["createScene"]["scene"]["mongoId"], door["createScene"]["scene"]["mongoId"]
    choice = gql.data(
        CREATE_CHOICE,
        {"input": {"fromSceneId": stairs_id, "toSceneId": door_id, "text": "Pousser la porte", "condition": "{}"}},
    )["createChoice"]
    assert choice["success"]

    # The collection signs its player up with an example password: refused on purpose, the rule named.
    sign_up = """mutation($input: CreateUserInput!) { createUser(input: $input) { success message } }"""
    weak = gql.data(sign_up, {"input": {"email": "player@example.com", "password": "player123"}}, token=None)
    assert not weak["createUser"]["success"]
    assert "too common" in weak["createUser"]["message"]
    gql.token = None
    assert gql.data(sign_up, {"input": {"email": "player@example.com", "password": "Lecture-du-soir-7"}})["createUser"][
        "success"
    ]
    player = gql.data(LOGIN, {"email": "player@example.com", "password": "Lecture-du-soir-7"})["login"]["token"]
    published = gql.data("{ allScenarios(publishedOnly: true) { title } }", token=player)["allScenarios"]
    assert published == [{"title": "La cave"}]
    started = gql.data(START, {"scenarioId": story_id}, token=player)["startScenario"]
    assert started["success"] and started["progress"]["currentSceneId"]["title"] == "L'escalier"
    ended = gql.data(MAKE_CHOICE, {"scenarioId": story_id, "choiceId": choice["choice"]["mongoId"]}, token=player)[
        "makeChoice"
    ]
    assert ended["success"] and ended["progress"]["isCompleted"]

    assert gql.data(DELETE_SCENARIO, {"scenarioId": story_id}, token=author_token)["deleteScenario"]["success"]


def test_a_player_meets_a_published_story_that_cannot_be_played_yet(gql, author, player):
    gql.as_user(author)
    empty = gql.data(CREATE_SCENARIO, {"input": {"title": "Bientôt", "isPublished": True}})["createScenario"]
    unfinished = gql.data(CREATE_SCENARIO, {"input": {"title": "À suivre", "isPublished": True}})["createScenario"]
    unfinished_id = unfinished["scenario"]["mongoId"]
    start = gql.data(CREATE_SCENE, {"input": {"scenarioId": unfinished_id, "title": "Le quai", "text": "..."}})
    dead_end = gql.data(CREATE_SCENE, {"input": {"scenarioId": unfinished_id, "title": "Le brouillard", "text": "..."}})
    way = gql.data(
        CREATE_CHOICE,
        {
            "input": {
                "fromSceneId": start["createScene"]["scene"]["mongoId"],
                "toSceneId": dead_end["createScene"]["scene"]["mongoId"],
                "text": "Avancer",
            }
        },
    )["createChoice"]["choice"]["mongoId"]

    gql.as_user(player)
    opened = gql(GET_SCENARIO, {"scenarioId": empty["scenario"]["mongoId"]})
    assert "errors" not in opened and opened["data"]["scenarioById"]["scenesList"] == []
    refused = gql.data(START, {"scenarioId": empty["scenario"]["mongoId"]})["startScenario"]
    assert refused == {
        "success": False,
        "code": "BAD_USER_INPUT",
        "progress": None,
        "message": "“Bientôt” has no start scene yet, so it cannot be played.",
    }

    assert gql.data(START, {"scenarioId": unfinished_id})["startScenario"]["success"]
    stuck = gql.data(MAKE_CHOICE, {"scenarioId": unfinished_id, "choiceId": way})["makeChoice"]
    assert stuck["success"]
    assert stuck["message"] == (
        "Choice made. There is no way on from here yet: the author has not finished this "
        "part of the story. Go back, or restart."
    )
    assert stuck["progress"]["currentSceneId"] == {"title": "Le brouillard", "isEndScene": False, "choices": []}


def test_publish_scenario_stays_strict_and_lists_what_blocks_it(gql, author):
    gql.as_user(author)
    story_id = gql.data(CREATE_SCENARIO, {"input": {"title": "Brouillon"}})["createScenario"]["scenario"]["mongoId"]
    publish = """mutation($id: ID!) { publishScenario(scenarioId: $id) {
        success message scenario { isPublished } problems { code message } warnings { code message scene { title } } } }"""
    refused = gql.data(publish, {"id": story_id})["publishScenario"]
    assert not refused["success"]
    assert refused["message"] == "“Brouillon” cannot be published yet. The story has no scenes yet: add a first scene."
    assert [problem["code"] for problem in refused["problems"]] == ["no_start"]
    assert not Scenario.objects.get().is_published

    gql.data(CREATE_SCENE, {"input": {"scenarioId": story_id, "title": "Seule", "text": "Rien."}})
    published = gql.data(publish, {"id": story_id})["publishScenario"]
    assert published["success"] and published["scenario"]["isPublished"]
    assert published["problems"] == []
    assert [(warning["code"], warning["scene"]) for warning in published["warnings"]] == [
        ("dead_end", {"title": "Seule"}),
        ("no_ending", None),
    ]
    assert published["message"].startswith("Story published. Players may still meet: “Seule” is a dead end")


def test_a_second_scene_of_the_same_title_is_a_business_refusal(gql, author):
    """Scene titles are unique within a story: the old clients' shape of refusal, success false and a reason."""
    gql.token = gql.data(LOGIN, {"email": author.email, "password": PASSWORD})["login"]["token"]
    story = gql.data(CREATE_SCENARIO, {"input": {"title": "Twice", "isPublished": True}})["createScenario"]
    story_id = story["scenario"]["mongoId"]
    first = gql.data(CREATE_SCENE, {"input": editor_scene(story_id, "La cave", "Noir.", 0, start=True)})
    again = gql.data(CREATE_SCENE, {"input": editor_scene(story_id, "la  cave", "Encore.", 1)})["createScene"]
    assert first["createScene"]["success"] and again["success"] is False and again["scene"] is None
    assert "already has a scene called “la  cave”" in again["message"]
    assert Scene.objects.filter(scenario_id=Scenario.objects.get(title="Twice").pk).count() == 1
