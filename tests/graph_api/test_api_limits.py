"""The endpoint's limits and error shapes: depth, page size, bad documents, internals never shown."""

import json

import pytest
from django.test import override_settings

from graph_api.views import StoryGraphQLView
from story_admin.services.stories import create_scenario
from tests.factories import build_story

pytestmark = pytest.mark.django_db


def test_invalid_document_is_http_400(gql):
    response = gql.post("{ allScenarios { nope } }")
    assert response.status_code == 400
    assert "Cannot query field 'nope'" in response.json()["errors"][0]["message"]


def test_deep_queries_are_refused(gql):
    nested = "choices { toSceneId { " * 6 + "title" + " } }" * 6
    response = gql.post("{ allScenarios { scenesList { %s } } }" % nested)
    assert response.status_code == 400
    assert "exceeds maximum operation depth" in response.json()["errors"][0]["message"]


def test_pages_are_capped_at_one_hundred(gql, author):
    scenario = build_story(author, 3, published=True)
    result = gql(
        "query($id: ID!) { scenario(id: $id) { scenes(first: 500) { edges { node { title } } } } }",
        {"id": str(scenario.pk)},
    )
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "at most 100 scenes" in result["errors"][0]["message"]


def test_unknown_ids_are_not_found(gql):
    result = gql('{ scenarioById(scenarioId: "not-an-id") { title } }')
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert result["errors"][0]["message"] == "No story has the id “not-an-id”."


def test_relay_global_ids_are_accepted(gql, author):
    scenario = build_story(author, 2, published=True)
    global_id = gql.data("{ allScenarios { id } }")["allScenarios"][0]["id"]
    assert gql.data("query($id: ID!) { scenarioById(scenarioId: $id) { mongoId } }", {"id": global_id})["scenarioById"][
        "mongoId"
    ] == str(scenario.pk)


def test_refused_mutation_reports_field_errors_and_writes_nothing(gql, author):
    result = gql.as_user(author).data(
        'mutation { createScenario(input: {title: "  "}) '
        "{ success code message errors { field messages } scenario { title } } }"
    )
    payload = result["createScenario"]
    assert payload["success"] is False and payload["code"] == "BAD_USER_INPUT"
    assert payload["errors"][0]["field"] == "title" and payload["scenario"] is None


def test_each_field_error_carries_a_typed_code(gql, author):
    result = gql.as_user(author).data(
        'mutation { createScenario(input: {title: "  "}) { success code errors { field code } } }'
    )
    assert result["createScenario"] == {
        "success": False,
        "code": "BAD_USER_INPUT",
        "errors": [{"field": "title", "code": "BAD_USER_INPUT"}],
    }
    codes = gql.data('{ __type(name: "ErrorCode") { kind enumValues { name } } }')["__type"]
    assert codes["kind"] == "ENUM" and {value["name"] for value in codes["enumValues"]} == {
        "BAD_USER_INPUT",
        "NOT_FOUND",
        "FORBIDDEN",
        "UNAUTHENTICATED",
        "SERVICE_UNAVAILABLE",
        "INTERNAL_SERVER_ERROR",
    }


def test_json_string_inputs_accept_strings_and_objects(gql, author):
    scenario = create_scenario(author=author, title="Json")
    gql.as_user(author)
    scene = gql.data(
        'mutation($s: ID!) { createScene(input: {scenarioId: $s, title: "A", text: "a"}) { scene { mongoId } } }',
        {"s": str(scenario.pk)},
    )["createScene"]["scene"]["mongoId"]
    for condition in ('"{\\"key\\": 1}"', "{key: 1}"):
        made = gql.data(
            'mutation($a: ID!) { createChoice(input: {fromSceneId: $a, toSceneId: $a, text: "Loop", '
            f"condition: {condition}}}) {{ choice {{ condition }} }} }}",
            {"a": scene},
        )
        assert json.loads(made["createChoice"]["choice"]["condition"]) == {"key": 1}
    broken = gql.post(
        "mutation($a: ID!, $c: JSONString) { createChoice(input: {fromSceneId: $a, toSceneId: $a, "
        'text: "L", condition: $c}) { success } }',
        {"a": scene, "c": "{oops"},
    )
    assert "Not valid JSON" in broken.json()["errors"][0]["message"]


def test_internal_errors_show_no_internals_without_debug(rf, monkeypatch):
    from graph_api import queries

    def broken(*args, **kwargs):
        raise RuntimeError("/srv/secret/path.py exploded")

    monkeypatch.setattr(queries.selectors, "readable_stories", broken)
    with override_settings(DEBUG=False):
        view = StoryGraphQLView.as_endpoint()
        request = rf.post(
            "/graphql/", json.dumps({"query": "{ allScenarios { title } }"}), content_type="application/json"
        )
        body = json.loads(view(request).content)
    assert body["errors"][0]["message"] == "Internal server error"
    assert "secret" not in json.dumps(body) and "Traceback" not in json.dumps(body)


def test_introspection_is_off_in_production(rf):
    with override_settings(GRAPHQL_INTROSPECTION=False, GRAPHIQL=False):
        view = StoryGraphQLView.as_endpoint()
        request = rf.post(
            "/graphql/", json.dumps({"query": "{ __schema { types { name } } }"}), content_type="application/json"
        )
        response = view(request)
    assert response.status_code == 400
    assert "introspection" in json.loads(response.content)["errors"][0]["message"].lower()


def test_cors_allows_the_react_app_with_the_authorization_header(client):
    response = client.options(
        "/graphql/",
        HTTP_ORIGIN="http://localhost:3000",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert response["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "authorization" in response["Access-Control-Allow-Headers"].lower()


def test_alias_bombs_are_refused(gql):
    aliases = " ".join(f"a{n}: allScenarios {{ title }}" for n in range(500))
    response = gql.post("{ %s }" % aliases)
    assert response.status_code == 400
    assert "more than 100 aliases" in response.json()["errors"][0]["message"]


def test_oversized_bodies_are_refused_before_reading(gql):
    response = gql.post("{ me { email } }", {"padding": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert response.json()["errors"][0]["message"] == "The request body is larger than 1024 KB."


def test_the_server_still_answers_after_a_bomb(gql):
    gql.post("{ %s }" % " ".join(f"a{n}: me {{ email }}" for n in range(5000)))
    assert gql.data("{ me { email } }") == {"me": None}


@pytest.mark.parametrize("path", ["/graphql/", "/stories/import/"])
def test_oversized_uploads_are_refused_before_reading(client, author, settings, path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_UPLOAD_BYTES = 1024 * 1024  # the cap plus 1 MB of fields: 2 MB
    client.force_login(author)
    big = SimpleUploadedFile("huge.png", b"\0" * (3 * 1024 * 1024), content_type="image/png")
    response = client.post(path, {"operations": "{}", "map": "{}", "file": big})
    assert response.status_code == 413
    assert "files may be at most 1 MB" in response.content.decode()
    assert client.get("/").status_code == 200  # and the next request is served as usual


def multipart(operations: str):
    """A multipart GraphQL request of `operations` and one small file, as Apollo's upload link sends it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "operations": operations,
        "map": json.dumps({"0": ["variables.file"]}),
        "0": SimpleUploadedFile("cave.twee", b":: Start\nHello."),
    }


UPLOAD = json.dumps(
    {"query": "mutation($file: Upload!) { importStory(file: $file) { success message } }", "variables": {"file": None}}
)


@pytest.mark.parametrize("token", [None, "not.a.token"])
def test_anonymous_multipart_is_refused_before_its_body_is_parsed(client, rq_redis, token, monkeypatch):
    from django.http.multipartparser import MultiPartParser

    def never(*args, **kwargs):
        raise AssertionError("the multipart body was parsed")

    monkeypatch.setattr(MultiPartParser, "parse", never)
    padding = json.dumps({"query": "{ me { email } }", "variables": {"padding": "x" * (900 * 1024)}})
    headers = {"HTTP_AUTHORIZATION": f"JWT {token}"} if token else {}
    for operations in (UPLOAD, padding):
        response = client.post("/graphql/", multipart(operations), **headers)
        assert response.status_code == 401
        assert response.json() == {
            "errors": [{"message": "Authentication required", "extensions": {"code": "UNAUTHENTICATED"}}]
        }


def test_a_signed_in_users_multipart_operations_have_the_json_cap(client, author, rq_redis):
    from graphql_jwt.shortcuts import get_token

    auth = {"HTTP_AUTHORIZATION": f"JWT {get_token(author)}"}
    padded = json.dumps({**json.loads(UPLOAD), "variables": {"file": None, "padding": "x" * (2 * 1024 * 1024)}})
    response = client.post("/graphql/", multipart(padded), **auth)
    assert response.status_code == 413
    assert response.json()["errors"][0] == {
        "message": "The operations of this upload are larger than 1024 KB (only its files may be larger).",
        "extensions": {"code": "BAD_USER_INPUT"},
    }
    assert client.post("/graphql/", multipart(UPLOAD), **auth).json()["data"]["importStory"]["success"] is True
