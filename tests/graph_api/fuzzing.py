"""Schemathesis against /graphql/: every query and mutation, as anonymous, player and author.

Shared by tests/graph_api/test_fuzzing.py (a bounded run in `make test`) and
bench/fuzz_graphql.py (a longer one that prints examples tried / failures).

Each generated operation goes through Django's whole HTTP stack, then:
- no 5xx and no INTERNAL_SERVER_ERROR;
- no stack trace, source path or installed-package path anywhere in the response;
- a query never writes; a refused mutation leaves every collection as it was (a snapshot
  of the documents before and after), failed sign-ins' throttle records aside;
- the database is put back to the same small world after each example, so every
  example starts from it and ids the generator draws from point at real documents.
"""

import json
from dataclasses import dataclass, field

import schemathesis
from bson import ObjectId
from django.conf import settings
from django.db import connection
from django.test import Client
from graphql import introspection_from_schema
from graphql_jwt.shortcuts import get_token
from graphql_relay import to_global_id
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.graphql import nodes

from graph_api.schema import schema as graphene_schema
from story_admin.models import AssetStatus, AssetType, PlayerProgress
from tests.factories import AssetFactory, AuthorFactory, ChoiceFactory, ScenarioFactory, SceneFactory, UserFactory
from tests.snapshots import changed_collections, compared_collections, database_snapshot

ROLES = ("anonymous", "player", "author")
# The sign-in throttle records a refused sign-in on purpose: that is how it counts them.
THROTTLE = frozenset({"login_throttles"})
LEAKS = ("Traceback", 'File "/', "site-packages", "Exception Value", str(settings.BASE_DIR))


class FuzzFailure(AssertionError):
    pass


@dataclass
class World:
    """A few documents of each kind, the ids and tokens the fuzzer aims with."""

    ids: list[str] = field(default_factory=list)
    tokens: dict[str, str | None] = field(default_factory=dict)


def build_world() -> World:
    author, other_author, player = AuthorFactory(), AuthorFactory(), UserFactory()
    draft = ScenarioFactory(author=author, title="Draft")
    published = ScenarioFactory(author=author, title="Published", is_published=True)
    foreign = ScenarioFactory(author=other_author, title="Someone else's draft")
    documents = [author, other_author, player, draft, published, foreign]
    for story in (draft, published, foreign):
        start = SceneFactory(scenario=story, title="Start", is_start_scene=True)
        end = SceneFactory(scenario=story, title="End", is_end_scene=True, ending_kind="happy")
        choice = ChoiceFactory(from_scene=start, to_scene=end, text="Finish")
        image = AssetFactory(scenario=story, uploaded_by=story.author, type=AssetType.IMAGE, status=AssetStatus.READY)
        start.image = image
        start.save()
        documents += [start, end, choice, image]
    documents.append(
        PlayerProgress.objects.create(
            user=player, scenario=published, current_scene=published.scenes.get(title="Start")
        )
    )
    world = World(tokens={"anonymous": None, "player": get_token(player), "author": get_token(author)})
    for document in documents:
        hex_id = str(document.pk)
        world.ids += [hex_id, to_global_id(f"{type(document).__name__}Type", hex_id)]
    return world


def register_scalars(world: World) -> None:
    """Strategies for our scalars; IDs are mostly real ones, sometimes junk."""
    text = st.text(max_size=40)
    schemathesis.graphql.scalar(
        "ID", st.one_of(st.sampled_from(world.ids), text, st.just(str(ObjectId()))).map(nodes.String)
    )
    json_objects = st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.text(max_size=8)), max_size=3)
    schemathesis.graphql.scalar("JSONString", st.one_of(text, json_objects.map(json.dumps)).map(nodes.String))
    schemathesis.graphql.scalar("GenericScalar", st.one_of(text.map(nodes.String), st.integers().map(nodes.Int)))
    schemathesis.graphql.scalar("Upload", text.map(nodes.String))


def operations():
    introspection = introspection_from_schema(graphene_schema.graphql_schema)
    schema = schemathesis.graphql.from_dict(introspection)
    return [result.ok() for result in schema.get_all_operations()]


def snapshot() -> dict[str, list]:
    return database_snapshot(ignore=THROTTLE)


def restore(state: dict[str, list]) -> None:
    database = connection.database
    for name in compared_collections():
        database[name].delete_many({})
        if state.get(name):
            database[name].insert_many(state[name])


def _refused(operation, status: int, body) -> bool:
    if status != 200 or not isinstance(body, dict):
        return True
    payload = (body.get("data") or {}).get(operation.definition.field_name)
    if payload is None:
        return True
    return isinstance(payload, dict) and payload.get("success") is False


def _difference(before: dict, after: dict) -> str:
    """The collections that changed and the documents that appeared or went, by _id (and filename, for files)."""
    lines = []
    for name in changed_collections(before, after):
        old = {str(document["_id"]): document for document in before.get(name, [])}
        new = {str(document["_id"]): document for document in after.get(name, [])}
        added = [new[key].get("filename", key) for key in new.keys() - old.keys()]
        removed = [old[key].get("filename", key) for key in old.keys() - new.keys()]
        lines.append(
            f"{name}: added {added[:5]}, removed {removed[:5]}, "
            f"{sum(1 for key in new.keys() & old.keys() if new[key] != old[key])} changed"
        )
    return "; ".join(lines)


def check(operation, role: str, query: str, response, before: dict, after: dict) -> None:
    """Raise FuzzFailure saying what went wrong for this response."""
    text = response.content.decode("utf-8", "replace")
    where = f"{operation.label} as {role}, sending\n{query}\n-> HTTP {response.status_code}"
    if response.status_code >= 500:
        raise FuzzFailure(f"{where}, a server error: {text[:500]}")
    leak = next((marker for marker in LEAKS if marker in text), None)
    if leak:
        raise FuzzFailure(f"{where}, the response shows {leak!r}: {text[:500]}")
    try:
        body = json.loads(text)
    except json.JSONDecodeError:
        raise FuzzFailure(f"{where}, not JSON: {text[:200]}") from None
    codes = {(error.get("extensions") or {}).get("code") for error in body.get("errors") or []}
    if "INTERNAL_SERVER_ERROR" in codes:
        raise FuzzFailure(f"{where}, an internal error: {text[:500]}")
    if any(not error.get("message") for error in body.get("errors") or []):
        raise FuzzFailure(f"{where}, an error without a message: {text[:500]}")
    if operation.definition.root_type.name == "QUERY" and before != after:
        raise FuzzFailure(f"{where}, a query changed {_difference(before, after)}")
    if (
        operation.definition.root_type.name == "MUTATION"
        and _refused(operation, response.status_code, body)
        and before != after
    ):
        raise FuzzFailure(f"{where}, refused but changed {_difference(before, after)}: {text[:300]}")


@dataclass
class Tally:
    examples: int = 0
    failures: list[str] = field(default_factory=list)


def fuzz_operation(
    operation,
    world: World,
    baseline: dict,
    *,
    role: str,
    mode: GenerationMode,
    max_examples: int,
    tally: Tally,
    derandomize: bool = True,
    shrink: bool = True,
) -> None:
    """Run `max_examples` generated calls of one operation; FuzzFailure on the first bad one."""
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"JWT {world.tokens[role]}"} if world.tokens[role] else {}
    phases = [Phase.explicit, Phase.generate] + ([Phase.shrink] if shrink else [])

    @hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        phases=phases,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        tally.examples += 1
        before = snapshot()
        response = client.post(
            "/graphql/", json.dumps({"query": case.body}), content_type="application/json", **headers
        )
        after = snapshot()
        try:
            check(operation, role, case.body, response, before, after)
        finally:
            if after != baseline:
                restore(baseline)

    run()
