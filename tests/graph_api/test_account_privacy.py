"""E-mails are shown to their own account and to superusers; accounts are listed to superusers; sign-up tells nothing."""

import pytest
from graphql_relay import to_global_id

from story_admin.models import User
from tests.factories import PASSWORD, AssetFactory, ScenarioFactory, UserFactory

pytestmark = pytest.mark.django_db

STORIES = "{ allScenarios { title authorId { email displayName } } }"
ASSETS = "{ publicAssets { name uploadedBy { email displayName } } }"


@pytest.fixture
def published(superuser):
    return ScenarioFactory(author=superuser, is_published=True, title="Open")


def test_anonymous_readers_see_no_author_email(gql, published):
    AssetFactory(uploaded_by=published.author, is_public=True, name="Lighthouse")
    author = {"email": "", "displayName": "Ada Reader"}
    assert gql.data(STORIES)["allScenarios"] == [{"title": "Open", "authorId": author}]
    assert gql.data(ASSETS)["publicAssets"] == [{"name": "Lighthouse", "uploadedBy": author}]


def test_other_accounts_see_no_email_the_account_itself_and_superusers_do(gql, published, player, superuser):
    assert gql.as_user(player).data(STORIES)["allScenarios"][0]["authorId"]["email"] == ""
    assert gql.as_user(superuser).data(STORIES)["allScenarios"][0]["authorId"]["email"] == superuser.email
    assert gql.as_user(player).data("{ me { email } }")["me"]["email"] == player.email


def test_a_name_less_account_is_shown_by_its_role(gql, published):
    published.author.first_name = published.author.last_name = ""
    published.author.save()
    assert gql.data(STORIES)["allScenarios"][0]["authorId"] == {"email": "", "displayName": "Author"}


def test_an_author_finds_only_their_own_account(gql, author, player):
    gql.as_user(author)
    assert gql.data("{ allUsers { mongoId email } }")["allUsers"] == [
        {"mongoId": str(author.pk), "email": author.email}
    ]
    assert gql.data("query($id: ID!) { userById(userId: $id) { email } }", {"id": str(player.pk)}) == {"userById": None}
    assert gql.data("query($e: String!) { userByEmail(email: $e) { email } }", {"e": player.email}) == {
        "userByEmail": None
    }
    assert gql.data("query($e: String!) { userByEmail(email: $e) { email } }", {"e": "nobody@example.com"}) == {
        "userByEmail": None
    }
    node = gql(
        "query($id: ID!) { node(id: $id) { ... on UserType { email } } }",
        {"id": to_global_id("UserType", str(player.pk))},
    )
    assert node["data"] == {"node": None} and node["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_a_superuser_lists_every_account(gql, superuser, author, player):
    gql.as_user(superuser)
    assert {user["email"] for user in gql.data("{ allUsers { email } }")["allUsers"]} == {
        superuser.email,
        author.email,
        player.email,
    }
    assert gql.data("query($e: String!) { userByEmail(email: $e) { mongoId } }", {"e": player.email}) == {
        "userByEmail": {"mongoId": str(player.pk)}
    }
    node = gql.data(
        "query($id: ID!) { node(id: $id) { ... on UserType { email } } }",
        {"id": to_global_id("UserType", str(player.pk))},
    )
    assert node == {"node": {"email": player.email}}


SIGN_UP = """mutation($e: String!) { createUser(input: {email: $e, password: "Lecture-du-soir-7", firstName: "Paul"}) {
    success message code user { email role firstName } } }"""


def test_sign_up_answers_the_same_whether_or_not_the_email_is_registered(gql, player):
    fresh = gql.data(SIGN_UP, {"e": "new-reader@example.com"})["createUser"]
    taken = gql.data(SIGN_UP, {"e": player.email.upper()})["createUser"]
    assert fresh == {**taken, "user": {**taken["user"], "email": "new-reader@example.com"}}
    assert fresh["success"] and "sign in with this email" in fresh["message"]
    assert User.objects.filter(email=player.email).count() == 1
    player.refresh_from_db()
    assert player.check_password(PASSWORD)  # the existing account is unchanged


def test_sign_up_then_sign_in_still_works_for_a_new_email(gql):
    created = gql.data("""mutation { createUser(input: {email: "p9@example.com", password: "Lecture-du-soir-7"}) {
        user { mongoId email } } }""")["createUser"]["user"]
    assert created["email"] == "p9@example.com"
    signed_in = gql.data(
        'mutation { login(email: "p9@example.com", password: "Lecture-du-soir-7") { token user { mongoId } } }'
    )
    assert signed_in["login"]["user"]["mongoId"] == created["mongoId"]


def test_a_superuser_is_told_the_email_is_taken(gql, superuser, player):
    result = gql.as_user(superuser).data(SIGN_UP, {"e": player.email})["createUser"]
    assert result["success"] is False and result["message"] == "An account already uses this email."


def test_an_author_sees_no_email_of_the_players_of_their_story(gql, author):
    story = ScenarioFactory(author=author, is_published=True)
    reader = UserFactory()
    from story_admin.models import PlayerProgress, Scene

    start = Scene.objects.create(scenario=story, title="Start", text="Go.", is_start_scene=True)
    PlayerProgress.objects.create(user=reader, scenario=story, current_scene=start)
    by_story = gql.as_user(author).data(
        "query($id: ID!) { progressByScenario(scenarioId: $id) { userId { email displayName } } }",
        {"id": str(story.pk)},
    )["progressByScenario"]
    assert by_story == [{"userId": {"email": "", "displayName": "Ada Reader"}}]
