"""The schema keeps every name of CONTRACT.md, and schema.graphql matches the live schema."""

from pathlib import Path

import pytest
from django.core.management import call_command
from graphql import get_named_type, print_schema

from graph_api.schema import schema
from tests.factories import build_story

ROOT = Path(__file__).resolve().parents[2]

# CONTRACT.md written out: type -> field -> type as printed (named types; "!" where the contract says so).
CONTRACT_TYPES = {
    "UserType": {
        "id": "ID!",
        "mongoId": "String",
        "email": "String!",
        "role": "String!",
        "firstName": "String",
        "lastName": "String",
        "createdAt": "DateTime",
        "updatedAt": "DateTime",
    },
    "ScenarioType": {
        "id": "ID!",
        "mongoId": "String",
        "title": "String!",
        "description": "String",
        "isPublished": "Boolean",
        "authorId": "UserType!",
        "createdAt": "DateTime",
        "updatedAt": "DateTime",
        "scenesList": "[SceneType]",
        "scenes": "SceneConnection",
    },
    "SceneType": {
        "id": "ID!",
        "mongoId": "String",
        "scenarioId": "ScenarioType!",
        "title": "String!",
        "text": "String!",
        "order": "Int",
        "isStartScene": "Boolean",
        "isEndScene": "Boolean",
        "imageId": "AssetType",
        "soundId": "AssetType",
        "musicId": "AssetType",
        "choices": "[ChoiceType]",
        "createdAt": "DateTime",
        "updatedAt": "DateTime",
    },
    "ChoiceType": {
        "id": "ID!",
        "mongoId": "String",
        "fromSceneId": "SceneType!",
        "toSceneId": "SceneType",
        "text": "String!",
        "order": "Int",
        "condition": "JSONString",
        "createdAt": "DateTime",
    },
    "AssetType": {
        "id": "ID!",
        "mongoId": "String",
        "type": "String!",
        "name": "String!",
        "filename": "String!",
        "url": "String!",
        "fileSize": "Int",
        "mimeType": "String",
        "metadata": "JSONString",
        "isPublic": "Boolean",
        "uploadedBy": "UserType!",
        "createdAt": "DateTime",
        "updatedAt": "DateTime",
        "fileSizeMb": "Float",
        "fileExtension": "String",
        "dimensions": "String",
        "duration": "String",
    },
    "PlayerProgressType": {
        "id": "ID!",
        "mongoId": "String",
        "userId": "UserType!",
        "scenarioId": "ScenarioType!",
        "currentSceneId": "SceneType!",
        "history": "[HistoryEntryType]",
        "isCompleted": "Boolean",
        "completedAt": "DateTime",
        "totalTimeSpent": "Int",
        "progressPercentage": "Float",
        "createdAt": "DateTime",
        "updatedAt": "DateTime",
    },
    "HistoryEntryType": {
        "sceneId": "SceneType!",
        "choiceId": "ChoiceType",
        "timestamp": "DateTime",
        "metadata": "JSONString",
    },
}

CONTRACT_QUERIES = {
    "me": [],
    "allUsers": [],
    "userById": ["userId"],
    "userByEmail": ["email"],
    "allScenarios": ["publishedOnly"],
    "scenarioById": ["scenarioId"],
    "scenariosByAuthor": ["authorId"],
    "sceneById": ["sceneId"],
    "scenesByScenario": ["scenarioId"],
    "choiceById": ["choiceId"],
    "choicesByScene": ["sceneId"],
    "allAssets": ["typeFilter"],
    "publicAssets": ["typeFilter"],
    "assetById": ["assetId"],
    "assetsByType": ["type"],
    "assetsByUploader": ["uploaderId"],
    "myAssets": [],
    "myProgress": [],
    "allProgress": [],
    "progressById": ["progressId"],
    "progressByUser": ["userId"],
    "progressByScenario": ["scenarioId"],
    "progressByUserAndScenario": ["userId", "scenarioId"],
}

CONTRACT_MUTATIONS = {
    "login": ["email", "password"],
    "tokenAuth": ["username", "password"],
    "verifyToken": ["token"],
    "refreshToken": ["token"],
    "createUser": ["input"],
    "updateUser": ["userId", "input"],
    "deleteUser": ["userId"],
    "createScenario": ["input"],
    "updateScenario": ["scenarioId", "input"],
    "deleteScenario": ["scenarioId"],
    "createScene": ["input"],
    "updateScene": ["sceneId", "input"],
    "deleteScene": ["sceneId"],
    "createChoice": ["input"],
    "updateChoice": ["choiceId", "input"],
    "deleteChoice": ["choiceId"],
    "deleteChoices": ["choiceIds"],
    "createAsset": ["input"],
    "updateAsset": ["assetId", "input"],
    "deleteAsset": ["assetId"],
    "generateAsset": ["type", "name", "description", "duration", "language", "soundType"],
    "createProgress": ["input"],
    "recordProgress": ["input"],
    "updateProgress": ["progressId", "input"],
    "deleteProgress": ["progressId"],
    "goBackInHistory": ["progressId", "stepsBack"],
}


def printed(field_type) -> str:
    return str(field_type)


def compatible(contract: str, live: str) -> bool:
    """Same named type; the live field may be stricter (non-null) than the contract, never looser."""
    return (
        live == contract
        or live == contract + "!"
        or live.replace("!", "") == contract.replace("!", "")
        and (contract.count("!") <= live.count("!"))
    )


@pytest.mark.parametrize("type_name", sorted(CONTRACT_TYPES))
def test_contract_types_keep_their_fields(type_name):
    live = schema.graphql_schema.get_type(type_name)
    assert live is not None, f"{type_name} disappeared"
    for field, contract_type in CONTRACT_TYPES[type_name].items():
        assert field in live.fields, f"{type_name}.{field} disappeared"
        assert compatible(contract_type, printed(live.fields[field].type)), (
            f"{type_name}.{field} is {live.fields[field].type}, the contract says {contract_type}"
        )


def test_password_is_never_exposed():
    assert not {"password", "passwordHash"} & set(schema.graphql_schema.get_type("UserType").fields)


@pytest.mark.parametrize("root, operations", [("Query", CONTRACT_QUERIES), ("Mutation", CONTRACT_MUTATIONS)])
def test_contract_operations_and_arguments(root, operations):
    fields = schema.graphql_schema.get_type(root).fields
    for name, arguments in operations.items():
        assert name in fields, f"{root}.{name} disappeared"
        assert set(arguments) <= set(fields[name].args), f"{root}.{name} lost an argument"
        required_extra = [
            arg
            for arg, spec in fields[name].args.items()
            if arg not in arguments and str(spec.type).endswith("!") and spec.default_value is None
        ]
        assert not required_extra, f"{root}.{name} requires new arguments {required_extra}"


def test_mutation_payloads_carry_success_and_message():
    mutation = schema.graphql_schema.get_type("Mutation")
    for name in set(CONTRACT_MUTATIONS) - {"tokenAuth", "verifyToken", "refreshToken"}:
        payload = get_named_type(mutation.fields[name].type)
        assert {"success", "message"} <= set(payload.fields), name


def test_schema_file_matches_the_live_schema(tmp_path):
    out = tmp_path / "schema.graphql"
    call_command("export_schema", out=str(out))
    assert out.read_text() == (ROOT / "schema.graphql").read_text(), (
        "schema.graphql is stale: run `python manage.py export_schema`"
    )
    assert out.read_text().strip() == print_schema(schema.graphql_schema).strip()


@pytest.mark.django_db
@pytest.mark.parametrize("scene_count", [10, 500])
def test_whole_story_query_costs_the_same_at_any_size(gql, author, scene_count, django_assert_num_queries):
    scenario = build_story(author, scene_count, published=True)
    query = """query($id: ID!) { scenario(id: $id) { title scenesList { mongoId title position { x y } isEnding
        endingKind imageId { url } choices { text toSceneId { mongoId } } } } }"""
    with django_assert_num_queries(4):
        result = gql.data(query, {"id": str(scenario.pk)})
    scenes = result["scenario"]["scenesList"]
    assert len(scenes) == scene_count and scenes[0]["choices"][0]["toSceneId"]["mongoId"] == scenes[1]["mongoId"]
