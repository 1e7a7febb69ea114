"""Story state over GraphQL: authors declare it and write conditions and effects as text; players' apps get
their state and the choices they may take, and the server refuses the others with the author's reason."""

import pytest

from story_admin.models import Choice, PlayerProgress, Scene
from tests.factories import ScenarioFactory, SceneFactory
from tests.snapshots import database_snapshot

pytestmark = pytest.mark.django_db

DECLARE_VARIABLE = """mutation($story: ID!, $input: VariableInput!) { declareVariable(scenarioId: $story, input: $input) {
    success message code errors { field messages } variable { name kind initial minimum maximum visible } } }"""
DECLARE_ITEM = """mutation($story: ID!, $input: ItemInput!) { declareItem(scenarioId: $story, input: $input) {
    success message item { name description } } }"""
CREATE_CHOICE = """mutation($input: CreateChoiceInput!) { createChoice(input: $input) {
    success message code errors { field messages }
    choice { mongoId condition conditionText lockedReason effects effectsText } } }"""
UPDATE_SCENE = """mutation($id: ID!, $input: UpdateSceneInput!) { updateScene(sceneId: $id, input: $input) {
    success message errors { field messages } scene { effects effectsText } } }"""
PROGRESS = """progress { mongoId state currentSceneId { title }
    availableChoices { available reason choice { mongoId text } } history { sceneId { title } state } }"""
START = "mutation($story: ID!) { startScenario(scenarioId: $story) { success message " + PROGRESS + " } }"
MAKE_CHOICE = (
    "mutation($story: ID!, $choice: ID!) { makeChoice(scenarioId: $story, choiceId: $choice) { "
    "success message code " + PROGRESS + " } }"
)


@pytest.fixture
def cave(author):
    story = ScenarioFactory(author=author, title="La grotte", is_published=True)
    hall = SceneFactory(scenario=story, title="Hall", is_start_scene=True)
    well = SceneFactory(scenario=story, title="Well")
    treasure = SceneFactory(scenario=story, title="Treasure", is_end_scene=True, ending_kind="happy")
    return story, hall, well, treasure


def test_an_author_declares_state_and_writes_conditions_and_effects_as_text(gql, author, cave):
    story, hall, well, treasure = cave
    gql.as_user(author)
    gold = gql.data(
        DECLARE_VARIABLE,
        {"story": str(story.pk), "input": {"name": "gold", "kind": "number", "initial": 2, "minimum": 0}},
    )["declareVariable"]
    assert gold["success"] and gold["variable"] == {
        "name": "gold",
        "kind": "number",
        "initial": "2",
        "minimum": 0.0,
        "maximum": None,
        "visible": True,
    }
    assert gql.data(DECLARE_ITEM, {"story": str(story.pk), "input": {"name": "rope"}})["declareItem"]["success"]

    made = gql.data(
        CREATE_CHOICE,
        {
            "input": {
                "fromSceneId": str(well.pk),
                "toSceneId": str(treasure.pk),
                "text": "Climb down",
                "conditionText": 'has("rope") and gold >= 3 and visited("Hall")',
                "lockedReason": "You need a rope and 3 gold.",
                "effectsText": "gold -= 3",
            }
        },
    )["createChoice"]
    assert made["success"], made
    choice = made["choice"]
    assert choice["conditionText"] == 'has("rope") and gold >= 3 and visited("Hall")'
    assert '"visits.' + str(hall.pk) in choice["condition"]
    assert choice["effectsText"] == "gold -= 3" and choice["lockedReason"] == "You need a rope and 3 gold."

    scene = gql.data(UPDATE_SCENE, {"id": str(hall.pk), "input": {"effectsText": 'gold += 1\ngain "rope"'}})
    assert scene["updateScene"]["scene"]["effectsText"] == 'gold += 1\ngain "rope"'

    read = gql.data(
        """query($id: ID!) { scenario(id: $id) { variables { name kind initial visible } items { name }
        scenesList { title effects choices { conditionText effects } } } }""",
        {"id": str(story.pk)},
    )["scenario"]
    assert read["variables"] == [{"name": "gold", "kind": "number", "initial": "2", "visible": True}]
    assert read["items"] == [{"name": "rope"}]


@pytest.mark.parametrize(
    "text, field, message",
    [
        ("gold >=", "conditionText", "Cannot read “gold >=” at column 8"),
        ("torch > 1", "conditionText", "Unknown variable “torch”"),
        ('has("sword")', "conditionText", "Unknown item “sword”"),
        ('visited("Nowhere")', "conditionText", "No scene of this story is titled “Nowhere”."),
    ],
)
def test_a_bad_condition_is_refused_on_its_field_and_nothing_is_written(gql, author, cave, text, field, message):
    story, hall, well, treasure = cave
    gql.as_user(author)
    gql.data(DECLARE_VARIABLE, {"story": str(story.pk), "input": {"name": "gold", "kind": "number"}})
    before = database_snapshot()
    refused = gql.data(
        CREATE_CHOICE,
        {"input": {"fromSceneId": str(well.pk), "toSceneId": str(treasure.pk), "text": "Go", "conditionText": text}},
    )["createChoice"]
    assert not refused["success"] and refused["code"] == "BAD_USER_INPUT"
    assert refused["message"].startswith(message)
    assert refused["errors"][0]["field"] == field
    assert database_snapshot() == before


def test_a_player_gets_the_state_and_only_the_choices_they_may_take(gql, author, player, cave):
    story, hall, well, treasure = cave
    gql.as_user(author)
    gql.data(DECLARE_VARIABLE, {"story": str(story.pk), "input": {"name": "gold", "kind": "number", "initial": 2}})
    gql.data(UPDATE_SCENE, {"id": str(hall.pk), "input": {"effectsText": "gold += 1"}})
    down = Choice.objects.create(scenario=story, from_scene=hall, to_scene=well, text="Go down")
    locked = gql.data(
        CREATE_CHOICE,
        {
            "input": {
                "fromSceneId": str(hall.pk),
                "toSceneId": str(treasure.pk),
                "text": "Buy the map",
                "conditionText": "gold >= 5",
                "lockedReason": "The map costs 5 gold.",
            }
        },
    )["createChoice"]["choice"]
    gql.data(
        CREATE_CHOICE,
        {
            "input": {
                "fromSceneId": str(hall.pk),
                "toSceneId": str(treasure.pk),
                "text": "Secret door",
                "conditionText": "gold > 100",
            }
        },
    )

    gql.as_user(player)
    started = gql.data(START, {"story": str(story.pk)})["startScenario"]["progress"]
    assert started["state"] == '{"variables": {"gold": 3}, "items": [], "visits": {"%s": 1}}' % hall.pk
    assert started["availableChoices"] == [
        {"available": True, "reason": None, "choice": {"mongoId": str(down.pk), "text": "Go down"}},
        {
            "available": False,
            "reason": "The map costs 5 gold.",
            "choice": {"mongoId": locked["mongoId"], "text": "Buy the map"},
        },
    ]

    before = database_snapshot()
    refused = gql.data(MAKE_CHOICE, {"story": str(story.pk), "choice": locked["mongoId"]})["makeChoice"]
    assert refused == {"success": False, "message": "The map costs 5 gold.", "code": "BAD_USER_INPUT", "progress": None}
    progress_id = started["mongoId"]
    record = """mutation($input: RecordProgressInput!) { recordProgress(input: $input) { success message } }"""
    direct = gql.data(record, {"input": {"progressId": progress_id, "sceneId": str(treasure.pk)}})["recordProgress"]
    assert direct == {"success": False, "message": "The map costs 5 gold."}
    assert database_snapshot() == before

    moved = gql.data(MAKE_CHOICE, {"story": str(story.pk), "choice": str(down.pk)})["makeChoice"]["progress"]
    assert moved["currentSceneId"] == {"title": "Well"}
    assert [entry["sceneId"]["title"] for entry in moved["history"]] == ["Hall", "Well"]
    assert moved["history"][0]["state"] == started["state"]
    back = gql.data(
        """mutation($id: ID!) { goBackInHistory(progressId: $id, stepsBack: 1) {
        success progress { state } } }""",
        {"id": progress_id},
    )["goBackInHistory"]
    assert back["progress"]["state"] == started["state"]
    assert PlayerProgress.objects.get(pk=progress_id).state["variables"] == {"gold": 3}
    assert Scene.objects.get(pk=hall.pk).effects == [{"set": ["gold", {"+": [{"var": "gold"}, 1]}]}]
