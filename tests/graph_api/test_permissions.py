"""Who may do what: each operation against anonymous, player, owner, another author, superuser."""

import pytest

from story_admin.models import Choice, Scenario, Scene
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "player", "owner", "other_author", "superuser"]


@pytest.fixture
def draft(author):
    scenario = ScenarioFactory(author=author, title="Secret draft")
    start = SceneFactory(scenario=scenario, title="Start", is_start_scene=True)
    end = SceneFactory(scenario=scenario, title="End", is_end_scene=True, ending_kind="happy")
    Choice.objects.create(scenario=scenario, from_scene=start, to_scene=end, text="Finish")
    return scenario


@pytest.fixture
def people(player, author, other_author, superuser):
    return {"anonymous": None, "player": player, "owner": author, "other_author": other_author, "superuser": superuser}


def ids(draft):
    start = Scene.objects.get(scenario=draft, title="Start")
    return {
        "story": str(draft.pk),
        "start": str(start.pk),
        "end": str(Scene.objects.get(scenario=draft, title="End").pk),
        "choice": str(Choice.objects.get(scenario=draft).pk),
    }


# (name, document, variables from ids, field, expected outcome for each role in ROLES order)
OK, UNAUTH, FORBIDDEN, NOT_FOUND = "ok", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"
MATRIX = [
    (
        "read the draft",
        "query($story: ID!) { scenarioById(scenarioId: $story) { title } }",
        "scenarioById",
        [NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK],
    ),
    (
        "create a story",
        'mutation { createScenario(input: {title: "New"}) { success code scenario { title } } }',
        "createScenario",
        [UNAUTH, FORBIDDEN, OK, OK, OK],
    ),
    (
        "rename the story",
        'mutation($story: ID!) { updateScenario(scenarioId: $story, input: {title: "Renamed"}) { success code } }',
        "updateScenario",
        [UNAUTH, FORBIDDEN, OK, FORBIDDEN, OK],
    ),
    (
        "publish the story",
        "mutation($story: ID!) { publishScenario(scenarioId: $story) { success code } }",
        "publishScenario",
        [UNAUTH, FORBIDDEN, OK, FORBIDDEN, OK],
    ),
    (
        "add a scene",
        'mutation($story: ID!) { createScene(input: {scenarioId: $story, title: "X", text: "x"}) { success code } }',
        "createScene",
        [UNAUTH, FORBIDDEN, OK, FORBIDDEN, OK],
    ),
    (
        "edit a scene",
        'mutation($start: ID!) { updateScene(sceneId: $start, input: {title: "Y"}) { success code } }',
        "updateScene",
        [UNAUTH, FORBIDDEN, OK, FORBIDDEN, OK],
    ),
    (
        "link scenes",
        "mutation($end: ID!, $start: ID!) { createChoice(input: {fromSceneId: $end, toSceneId: $start, "
        'text: "Again"}) { success code } }',
        "createChoice",
        [UNAUTH, FORBIDDEN, OK, FORBIDDEN, OK],
    ),
    (
        "relabel a choice",
        'mutation($choice: ID!) { updateChoice(choiceId: $choice, input: {text: "Z"}) { success code } }',
        "updateChoice",
        [UNAUTH, FORBIDDEN, OK, FORBIDDEN, OK],
    ),
    (
        "delete a choice",
        "mutation($choice: ID!) { deleteChoice(choiceId: $choice) { success code } }",
        "deleteChoice",
        [UNAUTH, FORBIDDEN, OK, FORBIDDEN, OK],
    ),
    (
        "delete a scene",
        "mutation($end: ID!) { deleteScene(sceneId: $end) { success code } }",
        "deleteScene",
        [UNAUTH, FORBIDDEN, OK, FORBIDDEN, OK],
    ),
    (
        "delete the story",
        "mutation($story: ID!) { deleteScenario(scenarioId: $story) { success code } }",
        "deleteScenario",
        [UNAUTH, FORBIDDEN, OK, FORBIDDEN, OK],
    ),
    (
        "play the draft",
        "mutation($story: ID!) { startScenario(scenarioId: $story) { success code } }",
        "startScenario",
        [UNAUTH, FORBIDDEN, OK, FORBIDDEN, OK],
    ),
    (
        "create an author",
        'mutation { createUser(input: {email: "new@example.com", password: "Tres-long-42!", '
        'role: "admin"}) { success code } }',
        "createUser",
        [FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    ),
    ("list accounts", "{ allUsers { email } }", "allUsers", [UNAUTH, FORBIDDEN, OK, OK, OK]),
    ("my progress", "{ myProgress { mongoId } }", "myProgress", [UNAUTH, OK, OK, OK, OK]),
    (
        "generate an image",
        'mutation { generateAsset(type: "image", name: "Door") { success code asset { status } } }',
        "generateAsset",
        [UNAUTH, FORBIDDEN, OK, OK, OK],
    ),
]


def outcome(result, field):
    if result.get("errors"):
        error = result["errors"][0]
        if error["message"] == "Authentication required":
            return UNAUTH
        return error["extensions"]["code"]
    value = result["data"][field]
    if isinstance(value, dict) and "success" in value:
        return OK if value["success"] else value["code"]
    return OK


@pytest.mark.parametrize("name, document, field, expected", MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_permission_matrix(gql, people, draft, name, document, field, expected, role_index):
    role = ROLES[role_index]
    gql.as_user(people[role])
    variables = {key: value for key, value in ids(draft).items() if f"${key}" in document}
    before = Scenario.objects.get(pk=draft.pk).title
    result = gql(document, variables)
    assert outcome(result, field) == expected[role_index], result
    if expected[role_index] != OK and Scenario.objects.filter(pk=draft.pk).exists():
        assert Scenario.objects.get(pk=draft.pk).title == before


def test_anonymous_and_players_see_published_stories_only(gql, draft, player):
    ScenarioFactory(title="Open book", is_published=True)
    query = "{ allScenarios { title } }"
    assert [entry["title"] for entry in gql.data(query)["allScenarios"]] == ["Open book"]
    assert [entry["title"] for entry in gql.as_user(player).data(query)["allScenarios"]] == ["Open book"]


def test_problems_are_shown_to_the_author_only(gql, draft, author, player):
    draft.is_published = True
    draft.save()
    query = "query($id: ID!) { scenario(id: $id) { problems { code } } }"
    assert gql.as_user(author).data(query, {"id": str(draft.pk)})["scenario"]["problems"] == []
    assert gql.as_user(player).data(query, {"id": str(draft.pk)})["scenario"]["problems"] is None
