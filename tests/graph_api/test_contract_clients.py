"""The existing clients, replayed over HTTP: an Apollo editor session and a Postman script."""

import pytest

from story_admin.models import Choice, Scenario, Scene
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token success message }
}"""

LIST_STORIES = """
query AllScenarios { allScenarios { id mongoId title description isPublished createdAt
  authorId { mongoId email firstName } } }"""

OPEN_STORY = """
query Scenario($id: ID!) {
  scenarioById(scenarioId: $id) {
    mongoId title isPublished updatedAt
    scenesList { mongoId title text order isStartScene isEndScene
      imageId { mongoId url } soundId { mongoId url } musicId { mongoId url }
      choices { mongoId text order condition toSceneId { mongoId title } fromSceneId { mongoId } } }
  }
}"""

CREATE_SCENE = """
mutation CreateScene($input: CreateSceneInput!) {
  createScene(input: $input) { success message scene { mongoId title order isStartScene scenarioId { mongoId } } }
}"""

CREATE_CHOICE = """
mutation CreateChoice($input: CreateChoiceInput!) {
  createChoice(input: $input) { success message choice { mongoId text condition
    fromSceneId { mongoId } toSceneId { mongoId } } }
}"""

UPDATE_SCENE = """
mutation UpdateScene($sceneId: ID!, $input: UpdateSceneInput!) {
  updateScene(sceneId: $sceneId, input: $input) { success message scene { mongoId title text isEndScene } }
}"""

UPDATE_CHOICE = """
mutation UpdateChoice($choiceId: ID!, $input: UpdateChoiceInput!) {
  updateChoice(choiceId: $choiceId, input: $input) { success message choice { text condition order } }
}"""


def test_apollo_editor_session(gql, author):
    story = Scenario.objects.create(title="Draft", slug="draft", author=author)
    token = gql.data(LOGIN, {"email": author.email, "password": PASSWORD})["login"]["token"]
    gql.token = token

    listed = gql.data(LIST_STORIES)["allScenarios"]
    assert [(entry["title"], entry["authorId"]["email"]) for entry in listed] == [("Draft", author.email)]

    first = gql.data(CREATE_SCENE, {"input": {"scenarioId": story.pk.__str__(), "title": "Gate", "text": "A gate."}})
    second = gql.data(
        CREATE_SCENE, {"input": {"scenarioId": listed[0]["id"], "title": "Garden", "text": "Roses.", "order": 1}}
    )
    assert first["createScene"]["success"] and second["createScene"]["success"]
    gate, garden = first["createScene"]["scene"], second["createScene"]["scene"]
    assert gate["isStartScene"] and gate["scenarioId"]["mongoId"] == str(story.pk)

    link = gql.data(
        CREATE_CHOICE,
        {
            "input": {
                "fromSceneId": gate["mongoId"],
                "toSceneId": garden["mongoId"],
                "text": "Push the gate",
                "condition": "{}",
            }
        },
    )["createChoice"]
    assert link["success"] and link["choice"]["condition"] == "{}"

    opened = gql.data(OPEN_STORY, {"id": str(story.pk)})["scenarioById"]
    assert [scene["title"] for scene in opened["scenesList"]] == ["Gate", "Garden"]
    assert opened["scenesList"][0]["choices"][0]["toSceneId"]["title"] == "Garden"

    edited = gql.data(
        UPDATE_SCENE, {"sceneId": garden["mongoId"], "input": {"text": "Roses everywhere.", "isEndScene": True}}
    )["updateScene"]
    assert edited["success"] and edited["scene"]["isEndScene"]
    relabelled = gql.data(
        UPDATE_CHOICE,
        {"choiceId": link["choice"]["mongoId"], "input": {"text": "Climb the gate", "condition": {"has": "rope"}}},
    )
    assert relabelled["updateChoice"]["choice"]["condition"] == '{"has": "rope"}'

    deleted = gql.data(
        "mutation($id: ID!) { deleteChoice(choiceId: $id) { success message } }", {"id": link["choice"]["mongoId"]}
    )
    assert deleted["deleteChoice"]["success"]
    gone = gql.data("mutation($id: ID!) { deleteScene(sceneId: $id) { success message } }", {"id": garden["mongoId"]})
    assert gone["deleteScene"]["success"]
    assert list(Scene.objects.filter(scenario=story).values_list("title", flat=True)) == ["Gate"]
    assert not Choice.objects.filter(scenario=story).exists()


def test_postman_scripted_session(gql, superuser):
    admin_token = gql.data(LOGIN, {"email": superuser.email, "password": PASSWORD})["login"]["token"]
    create_user = """mutation($input: CreateUserInput!) { createUser(input: $input) {
        success message user { mongoId email role } } }"""
    author = gql.data(
        create_user,
        {"input": {"email": "writer@example.com", "password": "Plume-de-nuit-42", "role": "admin", "firstName": "Wri"}},
        token=admin_token,
    )
    assert author["createUser"]["user"]["role"] == "admin"
    for email in ("p1@example.com", "p2@example.com"):
        created = gql.data(create_user, {"input": {"email": email, "password": "Lecture-du-soir-7"}})
        assert created["createUser"]["success"] and created["createUser"]["user"]["role"] == "player"

    token_auth = gql.data(
        """mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) {
        token payload refreshExpiresIn } }""",
        {"u": "writer@example.com", "p": "Plume-de-nuit-42"},
    )
    writer = token_auth["tokenAuth"]["token"]
    assert token_auth["tokenAuth"]["payload"]["email"] == "writer@example.com"
    assert (
        gql.data("mutation($t: String!) { verifyToken(token: $t) { payload } }", {"t": writer})["verifyToken"][
            "payload"
        ]["email"]
        == "writer@example.com"
    )

    story = gql.data(
        """mutation { createScenario(input: {title: "Five rooms", description: "A short one"}) {
        success scenario { mongoId isPublished } } }""",
        token=writer,
    )["createScenario"]["scenario"]
    scenes = []
    for index, title in enumerate(["Hall", "Library", "Kitchen", "Cellar", "Garden"]):
        created = gql.data(
            CREATE_SCENE,
            {
                "input": {
                    "scenarioId": story["mongoId"],
                    "title": title,
                    "text": f"The {title.lower()}.",
                    "order": index,
                    "isStartScene": index == 0,
                    "isEndScene": title in ("Cellar", "Garden"),
                }
            },
            token=writer,
        )
        scenes.append(created["createScene"]["scene"]["mongoId"])
    hall, library, kitchen, cellar, garden = scenes
    choices = {}
    for origin, target, label in [
        (hall, library, "Read"),
        (hall, kitchen, "Eat"),
        (library, cellar, "Go down"),
        (kitchen, garden, "Go out"),
        (kitchen, hall, "Back to the hall"),
    ]:
        made = gql.data(
            CREATE_CHOICE, {"input": {"fromSceneId": origin, "toSceneId": target, "text": label}}, token=writer
        )
        choices[label] = made["createChoice"]["choice"]["mongoId"]
    published = gql.data(
        """mutation($id: ID!, $input: UpdateScenarioInput!) {
        updateScenario(scenarioId: $id, input: $input) { success message scenario { isPublished } } }""",
        {"id": story["mongoId"], "input": {"isPublished": True}},
        token=writer,
    )
    assert published["updateScenario"]["scenario"]["isPublished"], published

    record = """mutation($input: RecordProgressInput!) { recordProgress(input: $input) {
        success message progress { currentSceneId { title } isCompleted progressPercentage } } }"""
    for email, path in (
        ("p1@example.com", ["Eat", "Back to the hall", "Read", "Go down"]),
        ("p2@example.com", ["Eat", "Go out"]),
    ):
        token = gql.data(LOGIN, {"email": email, "password": "Lecture-du-soir-7"})["login"]["token"]
        progress = gql.data(
            """mutation($input: CreateProgressInput!) { createProgress(input: $input) {
            success message progress { mongoId currentSceneId { title } } } }""",
            {"input": {"scenarioId": story["mongoId"], "currentSceneId": hall}},
            token=token,
        )
        progress_id = progress["createProgress"]["progress"]["mongoId"]
        scene_of = {"Read": library, "Eat": kitchen, "Go down": cellar, "Go out": garden, "Back to the hall": hall}
        for label in path:
            moved = gql.data(
                record,
                {
                    "input": {
                        "progressId": progress_id,
                        "sceneId": scene_of[label],
                        "choiceId": choices[label],
                        "metadata": {"timestamp": "2026-11-25T10:00:00Z"},
                    }
                },
                token=token,
            )
            assert moved["recordProgress"]["success"], moved
        assert moved["recordProgress"]["progress"]["isCompleted"]

        back = gql.data(
            """mutation($id: ID!) { goBackInHistory(progressId: $id, stepsBack: 1) {
            success progress { currentSceneId { title } isCompleted history { sceneId { title } choiceId { text } } } } }""",
            {"id": progress_id},
            token=token,
        )["goBackInHistory"]
        assert back["success"] and not back["progress"]["isCompleted"]
        assert back["progress"]["history"][0] == {"sceneId": {"title": "Hall"}, "choiceId": None}

        mine = gql.data(
            "{ myProgress { mongoId progressPercentage totalTimeSpent scenarioId { title } } }", token=token
        )["myProgress"]
        assert [entry["scenarioId"]["title"] for entry in mine] == ["Five rooms"]
        assert 0 < mine[0]["progressPercentage"] <= 100

    # The author sees their readers' progress, not their emails (shown only to each account and superusers).
    by_story = gql.data(
        """query($id: ID!) { progressByScenario(scenarioId: $id) { userId { email mongoId } } }""",
        {"id": story["mongoId"]},
        token=writer,
    )["progressByScenario"]
    assert [entry["userId"]["email"] for entry in by_story] == ["", ""]
    assert len({entry["userId"]["mongoId"] for entry in by_story}) == 2
    by_admin = gql.data(
        """query($id: ID!) { progressByScenario(scenarioId: $id) { userId { email } } }""",
        {"id": story["mongoId"]},
        token=admin_token,
    )["progressByScenario"]
    assert sorted(entry["userId"]["email"] for entry in by_admin) == ["p1@example.com", "p2@example.com"]
