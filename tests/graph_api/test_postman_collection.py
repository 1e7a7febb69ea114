"""VEH.postman_collection.json: every operation validates, and the collection runs top to bottom."""

import json
import re
import time
from pathlib import Path

import pytest
from graphql import parse, validate

from graph_api.schema import schema
from story_admin.models import Role, User

COLLECTION = json.loads((Path(__file__).resolve().parents[2] / "VEH.postman_collection.json").read_text())
STORE = re.compile(r"pm\.collectionVariables\.set\('(\w+)', body\.data\.([\w.]+)\);")


def requests():
    for folder in COLLECTION["item"]:
        yield from folder["item"]


def test_every_operation_validates_against_the_schema():
    operations = set()
    for item in requests():
        document = parse(item["request"]["body"]["graphql"]["query"])
        assert validate(schema.graphql_schema, document) == [], item["name"]
        operations |= {
            selection.name.value
            for definition in document.definitions
            for selection in definition.selection_set.selections
        }
    mutations = set(schema.graphql_schema.mutation_type.fields)
    multipart = {"uploadAsset", "importStory"}  # file uploads need a multipart body, not a GraphQL one
    assert mutations <= operations | multipart, f"not in the collection: {mutations - operations}"


def substitute(text: str, variables: dict) -> str:
    text = text.replace("{{$timestamp}}", str(int(time.time())))
    return re.sub(r"\{\{(\w+)\}\}", lambda match: str(variables.get(match.group(1), "")), text)


@pytest.mark.django_db
def test_collection_runs_top_to_bottom(client, rq_redis):
    User.objects.create_user("demo@story.studio", "Demo-password-42", role=Role.AUTHOR)
    variables = {entry["key"]: entry["value"] for entry in COLLECTION["variable"]}
    variables["authorPassword"] = "Demo-password-42"
    for item in requests():
        request = item["request"]
        headers = {
            "HTTP_" + header["key"].upper().replace("-", "_"): substitute(header["value"], variables)
            for header in request["header"]
            if header["key"] == "Authorization"
        }
        graphql = request["body"]["graphql"]
        body = {"query": graphql["query"], "variables": json.loads(substitute(graphql["variables"], variables))}
        response = client.post("/graphql/", json.dumps(body), content_type="application/json", **headers)
        result = response.json()
        assert response.status_code == 200 and "errors" not in result, (item["name"], result)
        for value in result["data"].values():
            if isinstance(value, dict) and "success" in value:
                assert value["success"], (item["name"], value["message"])
        for line in item["event"][0]["script"]["exec"]:
            if stored := STORE.search(line):
                value = result["data"]
                for key in stored.group(2).split("."):
                    value = value[key]
                variables[stored.group(1)] = value
