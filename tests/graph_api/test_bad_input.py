"""Inputs the fuzzer (test_fuzzing.py) found answered as internal errors or leaks: each is now a clear answer."""

import pytest
from graphql_relay import to_global_id

from story_admin.models import AssetStatus, Choice
from tests.factories import AssetFactory, ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db

NODE = "query($id: ID!) { node(id: $id) { id ... on UserType { email } ... on AssetType { name } } }"


def error_of(result):
    assert len(result["errors"]) == 1, result
    return result["errors"][0]["extensions"].get("code"), result["errors"][0]["message"]


@pytest.mark.parametrize(
    "bad_id",
    ["6b065c2d83e3392c53d13639", "not base64", to_global_id("PositionType", "1"), to_global_id("NoSuchType", "1"), ""],
)
def test_node_with_an_id_it_cannot_use_is_not_found(gql, bad_id):
    assert error_of(gql(NODE, {"id": bad_id})) == ("NOT_FOUND", f"No object has the id “{bad_id}”.")


def test_accounts_by_node_id_follow_the_rule_of_user_by_id(gql, author, other_author, player, superuser):
    """An account by node id: to itself and to superusers; anyone else is told it does not exist."""
    author_id = to_global_id("UserType", str(author.pk))
    assert error_of(gql(NODE, {"id": author_id}))[0] == "UNAUTHENTICATED"
    assert error_of(gql.as_user(player)(NODE, {"id": author_id}))[0] == "NOT_FOUND"
    assert error_of(gql.as_user(other_author)(NODE, {"id": author_id}))[0] == "NOT_FOUND"
    player_id = to_global_id("UserType", str(player.pk))
    assert gql.as_user(player).data(NODE, {"id": player_id})["node"]["email"] == player.email
    assert gql.as_user(superuser).data(NODE, {"id": author_id})["node"]["email"] == author.email


def test_media_of_a_draft_is_hidden_from_everyone_but_its_editors(gql, author, other_author):
    draft = ScenarioFactory(author=author)
    asset = AssetFactory(scenario=draft, uploaded_by=author, name="Spoiler", status=AssetStatus.READY)
    node_id = to_global_id("AssetType", str(asset.pk))
    for reader in (None, other_author):
        gql.as_user(reader)
        assert error_of(gql(NODE, {"id": node_id}))[0] in {"NOT_FOUND"}
        assert (
            error_of(gql("query($id: ID!) { assetById(assetId: $id) { name } }", {"id": str(asset.pk)}))[0]
            == "NOT_FOUND"
        )
        assert gql.data("{ publicAssets { name } allAssets { name } }") == {"publicAssets": [], "allAssets": []}
    assert gql.as_user(author).data(NODE, {"id": node_id})["node"]["name"] == "Spoiler"
    draft.is_published = True
    draft.save()
    assert gql.as_user(None).data("{ publicAssets { name } }") == {"publicAssets": [{"name": "Spoiler"}]}


@pytest.mark.parametrize(
    "token, message",
    [(None, "Send the token to verify."), ("", "Send the token to verify."), ("junk", "Error decoding signature")],
)
def test_verify_token_refuses_bad_tokens_clearly(gql, token, message):
    result = gql("mutation($token: String) { verifyToken(token: $token) { payload } }", {"token": token})
    assert error_of(result) == ("UNAUTHENTICATED", message)


def test_json_strings_that_are_not_json_are_bad_input(gql, author):
    response = gql.as_user(author).post(
        'mutation { createAsset(input: {name: "n", type: "image", filename: "f.png", '
        'url: "", metadata: "{oops"}) { success } }'
    )
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "Not valid JSON: Expecting property name enclosed in double quotes (at character 1)." in message


@pytest.mark.parametrize(
    "document, variables",
    [
        ('mutation($s: ID!) { uploadAsset(sceneId: $s, kind: "image", file: "picture.png") { success } }', {}),
        (
            'mutation($s: ID!, $f: Upload!) { uploadAsset(sceneId: $s, kind: "image", file: $f) { success } }',
            {"f": "picture.png"},
        ),
    ],
)
def test_a_file_sent_as_text_is_refused_with_how_to_send_it(gql, author, document, variables):
    response = gql.as_user(author).post(document, {"s": "6b065c2d83e3392c53d13639", **variables})
    assert response.status_code in {200, 400}
    assert "Send the file as a part of a multipart request" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example/x",
    ],
)
def test_asset_addresses_other_than_http_are_refused_on_the_url_field(gql, author, url):
    from story_admin.models import Asset

    created = gql.as_user(author).data(
        'mutation($url: String!) { createAsset(input: {name: "Clip", type: "video", filename: "clip.mp4", '
        "url: $url}) { success code message errors { field messages } asset { mongoId } } }",
        {"url": url},
    )
    assert created["createAsset"] == {
        "success": False,
        "code": "BAD_USER_INPUT",
        "asset": None,
        "message": "An asset's url must be a web address starting with http:// or https://.",
        "errors": [{"field": "url", "messages": ["Enter an address starting with http:// or https://."]}],
    }
    assert not Asset.objects.exists()
    asset = AssetFactory(uploaded_by=author, type="video", url="https://example.com/clip.mp4")
    updated = gql.data(
        "mutation($id: ID!, $url: String) { updateAsset(assetId: $id, input: {url: $url}) "
        "{ success code errors { field } } }",
        {"id": str(asset.pk), "url": url},
    )
    assert updated["updateAsset"] == {"success": False, "code": "BAD_USER_INPUT", "errors": [{"field": "url"}]}
    assert Asset.objects.get(pk=asset.pk).url == "https://example.com/clip.mp4"


def test_http_and_https_asset_addresses_are_accepted(gql, author):
    for url in ("https://cdn.example.com/clip.mp4", "http://localhost:8000/media/x.png"):
        created = gql.as_user(author).data(
            'mutation($url: String!) { createAsset(input: {name: "Clip", type: "video", filename: "c.mp4", '
            "url: $url}) { success asset { url } } }",
            {"url": url},
        )["createAsset"]
        assert created == {"success": True, "asset": {"url": url}}


CREATE_CHOICE = """mutation($a: ID!, $b: ID!) { createChoice(input: {fromSceneId: $a, toSceneId: $b, text: "On"})
  { success code message choice { text fromSceneId { mongoId } toSceneId { mongoId } } } }"""


def test_a_choice_to_a_scene_that_does_not_exist_names_it_and_links_nothing(gql, author):
    """Both ends are read in one command: a missing one is still named, the first missing one first."""
    scene = SceneFactory(scenario=ScenarioFactory(author=author), title="Here")
    missing = "6b065c2d83e3392c53d13639"
    for ends in ((str(scene.pk), missing), (missing, str(scene.pk)), (missing, "nonsense")):
        answer = gql.as_user(author).data(CREATE_CHOICE, {"a": ends[0], "b": ends[1]})["createChoice"]
        wrong = missing if ends[0] == missing else ends[1]
        assert (answer["success"], answer["code"], answer["message"]) == (
            False,
            "NOT_FOUND",
            f"No scene has the id “{wrong}”.",
        )
    assert Choice.objects.count() == 0


def test_a_choice_may_lead_back_to_its_own_scene(gql, author):
    scene = SceneFactory(scenario=ScenarioFactory(author=author), title="Loop")
    answer = gql.as_user(author).data(CREATE_CHOICE, {"a": str(scene.pk), "b": str(scene.pk)})["createChoice"]
    assert answer["success"] is True
    assert answer["choice"]["fromSceneId"] == answer["choice"]["toSceneId"] == {"mongoId": str(scene.pk)}
