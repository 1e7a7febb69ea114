"""The embedded server's shims, each checked through what a client really sends."""

import datetime
import sqlite3
import time

import pymongo
import pytest
from bson import ObjectId
from django.db.models import Count, Exists, OuterRef, Q

from story_admin.models import Choice, Scenario, Scene
from tests.factories import ChoiceFactory, SceneFactory, ScenarioFactory
from tests.processes import EmbeddedMongoThread


@pytest.fixture
def client(embedded_mongo):
    with pymongo.MongoClient(embedded_mongo.uri, serverSelectionTimeoutMS=5000) as client:
        yield client


def calls_of(monkeypatch, owner, name) -> list:
    """A list that grows by one each time `owner.name` (a method) is called from now on; it still runs."""
    calls, original = [], getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_server_info_answers(client):
    assert client.server_info()["version"]


@pytest.mark.parametrize("spec", [{"$eq": ["$a", 1]}, [{"$eq": ["$a", 1]}]])
def test_not_expression_in_both_shapes(client, spec):
    collection = client.shim_checks.not_expression
    collection.drop()
    collection.insert_many([{"a": 1}, {"a": 2}])
    rows = collection.aggregate([{"$project": {"_id": 0, "a": 1, "other": {"$not": spec}}}, {"$sort": {"a": 1}}])
    assert list(rows) == [{"a": 1, "other": False}, {"a": 2, "other": True}]


def test_long_in_and_not_in_lists(client):
    collection = client.shim_checks.long_in
    collection.drop()
    kept = [ObjectId() for _ in range(5)]
    collection.insert_many([{"_id": object_id} for object_id in kept])
    asked = kept + [ObjectId() for _ in range(995)]
    assert collection.count_documents({"_id": {"$in": asked}}) == 5
    assert collection.count_documents({"_id": {"$nin": asked[:3] + asked[5:]}}) == 2


def test_insert_many_writes_its_documents_in_one_transaction(client, monkeypatch):
    from studio.embedded import mongo

    commits = calls_of(monkeypatch, mongo.EmbeddedSQLiteEngine, "_commit_write")
    collection = client.shim_checks.batch
    collection.drop()
    commits.clear()
    collection.insert_many([{"_id": ObjectId(), "n": n} for n in range(300)])
    assert len(commits) == 1
    assert collection.count_documents({}) == 300


@pytest.mark.parametrize("ordered, inserted, failed_at", [(True, 2, [2]), (False, 3, [0, 3])])
def test_insert_many_keeps_per_document_errors_in_a_batch(client, ordered, inserted, failed_at):
    collection = client.shim_checks[f"batch_errors_{ordered}"]
    collection.drop()
    taken = ObjectId()
    collection.insert_one({"_id": taken})
    batch = [{"_id": taken}, {"_id": ObjectId()}, {"_id": ObjectId()}, {"_id": taken}, {"_id": ObjectId()}]
    if ordered:
        batch = batch[1:3] + batch[:1] + batch[3:]
    with pytest.raises(pymongo.errors.BulkWriteError) as refused:
        collection.insert_many(batch, ordered=ordered)
    assert refused.value.details["nInserted"] == inserted
    assert [(error["index"], error["code"]) for error in refused.value.details["writeErrors"]] == [
        (index, 11000) for index in failed_at
    ]
    assert collection.count_documents({}) == inserted + 1


@pytest.mark.django_db
def test_or_count_and_exists_querysets():
    published = ScenarioFactory(title="Published", is_published=True)
    mine = ScenarioFactory(title="Draft of mine")
    ScenarioFactory(title="Someone else's draft")
    SceneFactory.create_batch(3, scenario=published)

    either = Scenario.objects.filter(Q(is_published=True) | Q(pk=mine.pk))
    assert sorted(either.values_list("title", flat=True)) == ["Draft of mine", "Published"]
    assert either.count() == 2

    counts = dict(Scenario.objects.annotate(n=Count("scenes")).values_list("title", "n"))
    assert counts == {"Published": 3, "Draft of mine": 0, "Someone else's draft": 0}

    with_scenes = Scenario.objects.filter(Exists(Scene.objects.filter(scenario=OuterRef("pk"))))
    assert list(with_scenes.values_list("title", flat=True)) == ["Published"]


@pytest.mark.django_db
def test_deleting_hundreds_of_scenes_through_django_cascades():
    scenario = ScenarioFactory()
    scenes = SceneFactory.create_batch(520, scenario=scenario)
    ChoiceFactory(from_scene=scenes[0], to_scene=scenes[-1])
    Scene.objects.filter(scenario=scenario).delete()
    assert not Scene.objects.filter(scenario=scenario).exists()
    assert not Choice.objects.filter(scenario=scenario).exists()


def _hold_a_transaction(uri, collection_name, *, seconds, commit=True):
    """In a thread: open a transaction, write in it, keep it open `seconds`, then commit (or walk away)."""
    import threading
    import time

    opened = threading.Event()

    def run():
        with pymongo.MongoClient(uri) as owner:
            session = owner.start_session()
            session.start_transaction()
            owner.shim_checks[collection_name].insert_one({"by": "transaction"}, session=session)
            opened.set()
            time.sleep(seconds)
            if commit:
                session.commit_transaction()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert opened.wait(10)
    return thread


def test_other_sessions_wait_for_an_open_transaction_instead_of_failing(client, embedded_mongo):
    collection = client.shim_checks.turns
    collection.drop()
    collection.insert_one({"by": "before"})
    holder = _hold_a_transaction(embedded_mongo.uri, "turns", seconds=0.3)
    # A read, a write and another transaction from other sessions, while the first is open.
    assert collection.count_documents({"by": "before"}) == 1
    collection.insert_one({"by": "plain write"})
    with client.start_session() as session, session.start_transaction():
        collection.insert_one({"by": "second transaction"}, session=session)
    holder.join(10)
    assert sorted(document["by"] for document in collection.find({})) == [
        "before",
        "plain write",
        "second transaction",
        "transaction",
    ]


def test_a_new_client_connects_and_pings_while_another_session_holds_a_transaction(embedded_mongo):
    """pymongo's handshake and heartbeat (`hello`) must not wait for a transaction: a client that cannot get
    its answer marks the server unknown, and under load the transaction's own next command then failed,
    leaving it open for a minute while every request waited (bench/load.py at 50 users)."""
    holder = _hold_a_transaction(embedded_mongo.uri, "monitoring", seconds=3)
    with pymongo.MongoClient(embedded_mongo.uri, serverSelectionTimeoutMS=1000, connectTimeoutMS=1000) as newcomer:
        assert newcomer.admin.command("ping")["ok"] == 1
        assert newcomer.admin.command("hello")["isWritablePrimary"] is True
    holder.join(10)
    assert not holder.is_alive()


def test_a_transaction_its_client_abandoned_is_aborted_after_its_lifetime(client, embedded_mongo, monkeypatch):
    from studio.embedded import mongo

    monkeypatch.setattr(mongo, "TRANSACTION_LIFETIME_SECONDS", 0.5)
    collection = client.shim_checks.abandoned
    collection.drop()
    holder = _hold_a_transaction(embedded_mongo.uri, "abandoned", seconds=0, commit=False)
    holder.join(10)  # its client closed without committing
    collection.insert_one({"by": "after"})
    assert [document["by"] for document in collection.find({})] == ["after"]


def test_a_transaction_that_read_first_then_writes_is_not_broken_by_mongoeco_renewing_its_registrations(
    tmp_path, monkeypatch
):
    """mongoeco renews its change consumers' registrations (every 60 s) from a thread of its own, on a SQLite
    connection of its own, outside the server's one-command-at-a-time turn. A transaction reads first (Django's
    checks before a save) then writes: a renewal committed in between left the transaction's SQLite snapshot
    stale, and its first write failed at once with "database is locked" (the demo story's load in a CI run).
    Renewals now wait for the open transaction; they still happen."""
    from mongoeco.engines import sqlite as mongoeco_sqlite

    monkeypatch.setattr(mongoeco_sqlite, "_EPHEMERAL_CHANGE_CONSUMER_HEARTBEAT_SECONDS", 0.02)
    server = EmbeddedMongoThread.started(tmp_path / "db.sqlite3")
    try:
        with pymongo.MongoClient(server.address.uri, serverSelectionTimeoutMS=5000) as client:
            collection = client.shim_checks.renewals
            collection.insert_one({"by": "before"})  # registers mongoeco's change consumer: renewals start
            renewed_before = _registrations_renewed_at(server.path)
            with client.start_session() as session, session.start_transaction():
                assert collection.count_documents({}, session=session) == 1
                time.sleep(0.3)  # fifteen renewals' worth
                collection.insert_one({"by": "transaction"}, session=session)
            assert sorted(document["by"] for document in collection.find({})) == ["before", "transaction"]
            time.sleep(0.2)
            assert _registrations_renewed_at(server.path) > renewed_before
    finally:
        server.stop()


def _registrations_renewed_at(path) -> float:
    with sqlite3.connect(path) as database:
        (renewed,) = database.execute("SELECT MAX(updated_at_epoch) FROM change_outbox_consumers").fetchone()
    return renewed


@pytest.mark.django_db
def test_parallel_edits_through_django_all_succeed():
    """Eight web threads editing at once: transactions, plain writes and reads interleave on the server."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from story_admin.services.layout import move_scene
    from story_admin.services.scenes import create_scene
    from story_admin.services.stories import create_scenario
    from tests.factories import AuthorFactory

    authors = [AuthorFactory() for _ in range(8)]
    stories = [create_scenario(author=author, title=f"Parallel {n}") for n, author in enumerate(authors)]

    def edit(index):
        author, story = authors[index], stories[index]
        try:
            for n in range(10):
                scene = create_scene(editor=author, scenario=story, title=f"Scene {n}")  # a transaction
                move_scene(editor=author, scene=scene, x=n, y=n)  # a plain write
                assert Scene.objects.filter(scenario=story).count() == n + 1  # a read
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(edit, range(8)))
    assert Scene.objects.filter(scenario__in=stories).count() == 80


def test_reading_documents_inspects_the_codecs_signature_once_not_per_document(client, monkeypatch):
    from mongoeco.engines import sqlite as mongoeco_sqlite

    collection = client.shim_checks.signatures
    collection.drop()
    collection.insert_many([{"_id": ObjectId(), "n": n} for n in range(200)])
    list(collection.find({}))  # the codec's signature is known from here on
    inspected = []
    signature = mongoeco_sqlite.inspect.signature

    def counted_signature(*args, **kwargs):
        inspected.append(1)
        return signature(*args, **kwargs)

    monkeypatch.setattr(mongoeco_sqlite.inspect, "signature", counted_signature)
    assert sorted(document["n"] for document in collection.find({})) == list(range(200))
    assert inspected == []


def test_answers_encode_plain_values_without_mongoecos_encoder_and_others_as_it_does(client, monkeypatch):
    import datetime

    from bson.int64 import Int64
    from bson.decimal128 import Decimal128
    from bson.binary import Binary
    from studio.embedded import mongo

    collection = client.shim_checks.encoding
    collection.drop()
    moment = datetime.datetime(2026, 12, 2, 13, 0, 0, 123000)
    plain = {
        "_id": ObjectId(),
        "title": "Le phare",
        "n": 3,
        "big": Int64(2**40),
        "ratio": 0.5,
        "ok": True,
        "none": None,
        "at": moment,
        "tags": ["sea", "night"],
        "place": {"x": 1.5, "y": [2, 3]},
    }
    others = {"_id": ObjectId(), "price": Decimal128("1.10"), "blob": Binary(b"\x00\x01", 0)}
    collection.insert_many([plain, others])
    calls = []
    original = mongo._original_encode_wire_value

    def counted_original(value):
        calls.append(type(value).__name__)
        return original(value)

    monkeypatch.setattr(mongo, "_original_encode_wire_value", counted_original)
    assert collection.find_one({"_id": plain["_id"]}) == plain
    assert calls == []
    assert collection.find_one({"_id": others["_id"]}) == {**others, "blob": b"\x00\x01"}  # subtype 0: bytes
    assert calls  # a decimal and a binary still go through mongoeco's encoder


def test_a_unique_index_of_two_fields_is_checked_without_decoding_the_whole_collection(client, monkeypatch):
    from studio.embedded import mongo

    collection = client.shim_checks.unique_pairs
    collection.drop()
    every = {"$gte": ObjectId("0" * 24), "$lte": ObjectId("f" * 24)}  # the partial filter Django's constraint gets
    collection.create_index(
        [("user_id", 1), ("scenario_id", 1)],
        unique=True,
        name="one_per_user_and_story",
        partialFilterExpression={"user_id": every, "scenario_id": every},
    )
    story = ObjectId()
    collection.insert_many([{"_id": ObjectId(), "user_id": ObjectId(), "scenario_id": story} for _ in range(300)])
    first, second = collection.find({}).limit(2)
    decoded = calls_of(monkeypatch, mongo.EmbeddedSQLiteEngine, "_deserialize_document")
    collection.update_one({"_id": first["_id"]}, {"$set": {"step": 2}})
    collection.insert_one({"user_id": ObjectId(), "scenario_id": story})
    assert len(decoded) < 10  # the documents updated and read, not the 300 of the collection
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        collection.insert_one({"user_id": first["user_id"], "scenario_id": story})
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        collection.update_one({"_id": second["_id"]}, {"$set": {"user_id": first["user_id"]}})
    assert collection.count_documents({"user_id": first["user_id"]}) == 1


def test_set_union_keeps_each_value_once_without_comparing_strings_pairwise(client, monkeypatch):
    """Shim 12: the distinct scenes of each player (the Players figures) no longer cost a comparison per pair."""
    from studio.embedded import mongo

    comparisons = []
    values_equal = mongo.QueryEngine._values_equal

    def counted(left, right, **kwargs):
        if isinstance(left, str) and isinstance(right, str):
            comparisons.append((left, right))
        return values_equal(left, right, **kwargs)

    monkeypatch.setattr(mongo.QueryEngine, "_values_equal", staticmethod(counted))
    collection = client.shim_checks.set_union
    collection.drop()
    same = ObjectId()
    collection.insert_many(
        [
            {"n": 1, "a": [f"s{index % 150}" for index in range(300)], "b": ["s3", "new"]},
            {"n": 2, "a": ["a", "b", "a", None, True], "b": ["b", 1, 1.0, same, same, None, {"x": 1}, {"x": 1}]},
        ]
    )
    pipeline = [{"$sort": {"n": 1}}, {"$project": {"_id": 0, "u": {"$setUnion": ["$a", "$b"]}}}]
    first, second = collection.aggregate(pipeline)
    assert first["u"] == [f"s{index}" for index in range(150)] + ["new"]
    assert comparisons == []  # strings only: looked up in a set
    assert second["u"] == ["a", "b", None, True, 1, same, {"x": 1}]


def test_unwind_copies_the_unwound_array_no_more_per_element(client, monkeypatch):
    """Shim 13: each document `$unwind` outputs copies the other fields and its element, not the whole array."""
    from mongoeco.core.aggregation import runtime

    from studio.embedded import mongo

    copied_arrays = []

    def counting(copy):
        def counted(value, *args):
            if isinstance(value, dict) and isinstance(value.get("tags"), list) and value["tags"]:
                copied_arrays.append(len(value["tags"]))
            return copy(value, *args)

        return counted

    monkeypatch.setattr(runtime, "deepcopy", counting(runtime.deepcopy))
    monkeypatch.setattr(mongo, "deepcopy", counting(mongo.deepcopy))
    collection = client.shim_checks.unwind
    collection.drop()
    collection.insert_many(
        [
            {"n": 1, "tags": [f"t{index}" for index in range(200)], "after": {"k": [1, 2]}},
            {"n": 2, "tags": []},
            {"n": 3},
            {"n": 4, "tags": "single", "nested": {"tags": ["x", "y"]}},
        ]
    )
    rows = list(
        collection.aggregate(
            [
                {"$sort": {"n": 1}},
                {"$project": {"_id": 0}},
                {"$unwind": {"path": "$tags", "includeArrayIndex": "i", "preserveNullAndEmptyArrays": True}},
            ]
        )
    )
    assert copied_arrays == []
    assert [list(row) for row in rows[:2]] == [["n", "tags", "after", "i"]] * 2
    assert rows[:2] == [
        {"n": 1, "tags": "t0", "after": {"k": [1, 2]}, "i": 0},
        {"n": 1, "tags": "t1", "after": {"k": [1, 2]}, "i": 1},
    ]
    assert rows[199]["tags"] == "t199" and rows[199]["i"] == 199
    assert rows[200:] == [
        {"n": 2, "i": None},
        {"n": 3, "i": None},
        {"n": 4, "tags": "single", "nested": {"tags": ["x", "y"]}, "i": None},
    ]
    nested = collection.aggregate(
        [{"$match": {"n": 4}}, {"$unwind": "$nested.tags"}, {"$project": {"_id": 0, "nested": 1}}]
    )
    assert list(nested) == [{"nested": {"tags": "x"}}, {"nested": {"tags": "y"}}]


@pytest.fixture
def shims_off_then_on():
    """Runs a read with shims 12 to 18 off, then on (as the server keeps them): the two answers, to compare."""
    from studio.embedded import mongo

    def both(read):
        mongo.use_aggregation_shims(False)
        try:
            without = read()
        finally:
            mongo.use_aggregation_shims(True)
        return without, read()

    return both


def test_sort_on_plain_values_orders_as_mongoeco_without_comparing_pairs(client, monkeypatch, shims_off_then_on):
    """Shim 14: Django's ordered reads (order, then created_at) sort on native keys; mixed kinds as mongoeco does."""
    import datetime

    from mongoeco.core import sorting

    from studio.embedded import mongo

    collection = client.shim_checks.sort
    collection.drop()
    moment = datetime.datetime(2026, 1, 1)
    ids = [ObjectId() for _ in range(4)]
    collection.insert_many(
        [
            {"n": index, "order": order, "at": moment + datetime.timedelta(seconds=seconds), "name": name, "ref": ref}
            for index, (order, seconds, name, ref) in enumerate(
                [
                    (2, 5, "été", ids[2]),
                    (1, 9, "b", ids[0]),
                    (2, 1, "Zoé", ids[3]),
                    (1.5, 3, "a", ids[1]),
                    (1, 9, "b", ids[0]),
                ]
            )
        ]
    )

    def ordered(*keys):  # after an `$addFields`, as Django sends it: sorted in Python, not by SQLite
        pipeline = [{"$addFields": {"order": "$order"}}, {"$sort": dict(keys)}, {"$project": {"n": 1}}]
        return [row["n"] for row in collection.aggregate(pipeline)]

    plain = [(("order", 1), ("at", 1)), (("order", -1), ("at", 1)), (("name", 1),), (("ref", -1), ("n", -1))]
    mongo.use_aggregation_shims(False)
    try:
        without = [ordered(*keys) for keys in plain]
    finally:
        mongo.use_aggregation_shims(True)
    comparisons = calls_of(monkeypatch, sorting, "_compare_sort_values")
    assert [ordered(*keys) for keys in plain] == without
    assert without[0] == [1, 4, 3, 2, 0]  # ties (1 and 4) keep their stored order
    assert without[2] == [2, 3, 1, 4, 0]  # code point order: "Zoé" < "a" < "b" < "été"
    assert comparisons == []
    collection.insert_many([{"n": 5, "order": None}, {"n": 6, "order": "text"}, {"n": 7}])
    without, shimmed = shims_off_then_on(lambda: ordered(("order", 1), ("n", 1)))
    assert shimmed == without == [5, 7, 1, 4, 3, 0, 2, 6]  # null and missing, numbers, strings: mongoeco's order
    assert comparisons  # mixed kinds are compared by mongoeco's code


def test_add_fields_copies_only_the_top_level_of_each_document(client, monkeypatch, shims_off_then_on):
    """Shim 15: the `$addFields` Django puts before each ordered read no longer deep-copies whole documents."""
    from mongoeco.core.aggregation import transform_stages

    collection = client.shim_checks.add_fields
    collection.drop()
    collection.insert_many(
        [{"n": index, "order": index, "nested": {"list": [{"k": index}] * 50}, "gone": 1} for index in range(3)]
    )
    copied = []
    original = transform_stages.deepcopy

    def counted(value, *args):
        if isinstance(value, dict) and "nested" in value:
            copied.append(value["n"])
        return original(value, *args)

    monkeypatch.setattr(transform_stages, "deepcopy", counted)
    pipeline = [
        {"$addFields": {"order": "$order", "twice": {"$multiply": ["$n", 2]}, "gone": "$$REMOVE", "copy": "$nested"}},
        {"$sort": {"order": -1}},
        {"$project": {"_id": 0}},
    ]
    without, shimmed = shims_off_then_on(lambda: list(collection.aggregate(pipeline)))
    assert shimmed == without
    assert [list(row) for row in shimmed] == [["n", "order", "nested", "twice", "copy"]] * 3
    assert shimmed[0]["copy"] == {"list": [{"k": 2}] * 50} and shimmed[0]["twice"] == 4
    assert copied == [0, 1, 2]  # only while the shims were off
    dotted = [{"$addFields": {"nested.extra": "$n"}}, {"$sort": {"n": 1}}, {"$project": {"_id": 0, "nested.extra": 1}}]
    assert [row["nested"]["extra"] for row in collection.aggregate(dotted)] == [0, 1, 2]


def test_an_aggregate_of_one_match_is_answered_as_a_find(client, monkeypatch, shims_off_then_on):
    """Shim 16: Django's unordered reads (a whole story's scenes, choices, assets) skip the aggregation's second pass
    over each document; the answer is the aggregation's, and anything a `find` would answer otherwise is left to it."""
    from studio.embedded import mongo

    collection = client.shim_checks.one_match
    collection.drop()
    story = ObjectId()
    collection.insert_many(
        [{"story": story if index % 3 else ObjectId(), "n": index, "tags": ["a"] * (index % 2)} for index in range(30)]
    )

    def read(pipeline):
        return list(collection.aggregate(pipeline))

    plain = [{"$match": {"story": story, "n": {"$gte": 4}}}]
    without, shimmed = shims_off_then_on(lambda: read(plain))
    assert shimmed == without and [row["n"] for row in shimmed] == [n for n in range(4, 30) if n % 3]
    found = calls_of(monkeypatch, mongo.DatabaseAdminReadCommandService, "execute_find_command")
    assert read(plain) == without and len(found) == 1
    with client.start_session() as session, session.start_transaction():
        collection.insert_one({"story": story, "n": 99}, session=session)  # read in its own transaction
        assert [row["n"] for row in collection.aggregate(plain, session=session)][-1] == 99
        session.abort_transaction()
    assert len(found) == 2
    dated = [{"$match": {"$expr": {"$lt": ["$n", {"$toLong": "$$NOW"}]}}}]
    assert len(read(dated)) == 30 and len(found) == 2  # a variable: the aggregation binds it
    # An operator MongoDB refuses in `$match` and accepts in `find` stays the aggregation's to answer (mongoeco's
    # accepts it too).
    assert [row["n"] for row in read([{"$match": {"$where": "this.n > 27"}}])] == [28, 29] and len(found) == 2


def test_set_union_keeps_strings_without_deep_copying_them(client, monkeypatch):
    """Shim 17: `$setUnion` keeps a string (number, boolean, null) as it is; documents are still copied."""
    from studio.embedded import mongo

    copied = []
    deepcopy = mongo.deepcopy

    def counted(value, *args):
        copied.append(type(value).__name__)
        return deepcopy(value, *args)

    monkeypatch.setattr(mongo, "deepcopy", counted)
    collection = client.shim_checks.set_union_copies
    collection.drop()
    collection.insert_one({"a": ["s1", "s2", "s1", 3, 2.5, True, None], "b": [{"x": [1]}, "s2", {"x": [1]}]})
    (row,) = collection.aggregate([{"$project": {"_id": 0, "u": {"$setUnion": ["$a", "$b"]}}}])
    assert row["u"] == ["s1", "s2", 3, 2.5, True, None, {"x": [1]}]
    assert copied == ["dict"]


PRUNED_READS = [
    {"n": 1, "history": [{"scene_id": "s1", "choice_id": "", "timestamp": datetime.datetime(2026, 1, 2), "state": {}}]},
    {"history": [{"choice_id": "c", "scene_id": "s"}, {"timestamp": datetime.datetime(2026, 1, 3)}], "n": 2},
    {"n": 3, "history": [5, [1, {"scene_id": "deep", "x": 1}], ObjectId("6b10534e6eda5fb71b5c317e"), {"scene_id": 4}]},
    {"n": 4, "history": {"scene_id": "one", "x": datetime.datetime(2026, 1, 4)}, "other": ObjectId()},
    {"n": 5, "history": "text", "at": datetime.datetime(2026, 1, 5)},
    {"n": 6, "history": []},
    {"n": 7},
    {"n": 8, "history": [{"scene_id": {"deeper": 1, "y": 2}, "choice_id": None}], "total": 1.5},
]


def _pruned_reads(collection):
    return [
        list(collection.find({}, {"history.scene_id": 1, "n": 1}).sort("n", 1)),
        list(collection.find({}, {"_id": 0, "history.scene_id.deeper": 1, "total": True}).sort("n", 1)),
        list(collection.find({"n": {"$gte": 3}}, {"_id": 1}).sort("n", 1)),
        list(
            collection.aggregate(
                [
                    {"$match": {"n": {"$lte": 8}}},
                    {"$project": {"_id": 0, "n": 1, "history.scene_id": 1, "history.choice_id": 1, "at": 1}},
                    {"$sort": {"n": 1}},
                ]
            )
        ),
    ]


def test_an_inclusion_projection_decodes_only_what_it_keeps_and_answers_as_before(client, monkeypatch):
    """Shim 18: a `find` or an aggregate's leading `$project` that only includes fields decodes no tagged value of
    the fields it leaves out (the history's dates), and answers what mongoeco answered without the shim."""
    from studio.embedded import mongo

    collection = client.shim_checks.pruned_reads
    collection.drop()
    collection.insert_many([{"_id": ObjectId(), **document} for document in PRUNED_READS])
    decoded = []
    decode = mongo.EmbeddedSQLiteEngine._decode_codec_payload

    def recorded(self, payload, **kwargs):
        decoded.append(repr(payload))
        return decode(self, payload, **kwargs)

    monkeypatch.setattr(mongo.EmbeddedSQLiteEngine, "_decode_codec_payload", recorded)
    answers = _pruned_reads(collection)
    assert decoded and not any("datetime" in payload for payload in decoded[:-8])  # the last query keeps `at`
    assert not any("timestamp" in payload or "other" in payload for payload in decoded)
    mongo.use_aggregation_shims(False)
    try:
        assert repr(_pruned_reads(collection)) == repr(answers)
    finally:
        mongo.use_aggregation_shims(True)
    assert [row["history"] for row in answers[0][:3]] == [
        [{"scene_id": "s1"}],
        [{"scene_id": "s"}],
        [[{"scene_id": "deep"}], {"scene_id": 4}],  # as mongoeco answers it: scalars in arrays left out
    ]


def _full_checks(monkeypatch):
    """A list that grows by one each time mongoeco checks a fact over a whole collection (not shim 20's scratch
    table of the documents a write stored)."""
    from studio.embedded import mongo

    calls = []
    for check, _extra in mongo.GROWING_FACTS.values():
        original = getattr(mongo.EmbeddedSQLiteEngine, check)

        def counted(self, *args, _original=original, **kwargs):
            known = len(self._collection_features_cache)
            found = _original(self, *args, **kwargs)
            scratch = getattr(self._checking_written(), "connection", None)
            if scratch is None and len(self._collection_features_cache) > known:  # not known: checked
                calls.append(args)
            return found

        monkeypatch.setattr(mongo.EmbeddedSQLiteEngine, check, counted)
    return calls


@pytest.mark.parametrize("kept", [True, False], ids=["shim", "without"])
def test_a_write_leaves_what_mongoeco_knows_of_the_collection_and_it_learns_what_the_write_stored(
    client, monkeypatch, kept
):
    from bson.decimal128 import Decimal128

    from studio.embedded import mongo

    monkeypatch.setattr(mongo, "KEEP_FACTS_ACROSS_WRITES", [kept])
    collection = client.shim_checks.facts
    collection.drop()
    collection.insert_many([{"_id": index, "n": index, "version": 0} for index in range(50)])

    def step(index):  # a player's step: a read, then a write over the version read
        assert collection.find_one({"n": index, "version": 0})["_id"] == index
        collection.update_one({"_id": index, "version": 0}, {"$set": {"version": 1}})

    step(3)  # mongoeco learns what it needs about `_id`, `n` and `version`
    checks = _full_checks(monkeypatch)
    step(4)
    step(5)
    assert (checks == []) is kept  # without the shim, the facts are checked again over the collection
    # What a write stores is learnt: `n` now holds an array, then a decimal, in one document each.
    collection.update_one({"_id": 6}, {"$set": {"n": [70, 80]}})
    assert [document["_id"] for document in collection.find({"n": 70})] == [6]
    assert [document["_id"] for document in collection.find({"n": {"$gt": 75}})] == [6]
    collection.insert_one({"_id": 100, "n": Decimal128("7.5"), "version": 0})
    assert sorted(document["_id"] for document in collection.find({"n": {"$gt": 7, "$lt": 8}})) == [100]
    collection.delete_one({"_id": 6})
    assert list(collection.find({"n": 70})) == []


def test_an_update_leaving_the_unique_fields_as_stored_is_not_checked_against_the_collection(client, monkeypatch):
    from studio.embedded import mongo

    collection = client.shim_checks.unique_steps
    collection.drop()
    every = {"$gte": ObjectId("0" * 24), "$lte": ObjectId("f" * 24)}
    collection.create_index(
        [("user_id", 1), ("scenario_id", 1)],
        unique=True,
        partialFilterExpression={"user_id": every, "scenario_id": every},
    )
    story = ObjectId()
    collection.insert_many([{"_id": ObjectId(), "user_id": ObjectId(), "scenario_id": story} for _ in range(50)])
    first, second = collection.find({}).limit(2)
    scans = calls_of(monkeypatch, mongo.EmbeddedSQLiteEngine, "_load_documents")
    collection.update_one({"_id": first["_id"]}, {"$set": {"step": 2}})  # a player's step
    assert scans == []
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        collection.update_one({"_id": second["_id"]}, {"$set": {"user_id": first["user_id"]}})
    assert scans  # a unique field changed: checked


def test_an_update_bringing_a_document_into_a_partial_unique_index_is_still_checked(client):
    collection = client.shim_checks.unique_partial
    collection.drop()
    collection.create_index([("code", 1)], unique=True, partialFilterExpression={"active": True})
    collection.insert_many([{"_id": 1, "code": 7, "active": True}, {"_id": 2, "code": 7, "active": False}])
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        collection.update_one({"_id": 2}, {"$set": {"active": True}})
    collection.update_one({"_id": 2}, {"$set": {"note": "kept out of the index"}})
    assert collection.find_one({"_id": 2}) == {"_id": 2, "code": 7, "active": False, "note": "kept out of the index"}


def test_an_update_of_many_naming_one_id_updates_it_without_reading_the_collection(client, monkeypatch):
    from studio.embedded import mongo

    collection = client.shim_checks.one_id_updates
    collection.drop()
    ids = [ObjectId() for _ in range(200)]
    collection.insert_many([{"_id": pk, "version": 0} for pk in ids])
    collection.find_one({"_id": ids[1], "version": 0})  # mongoeco learns about the fields
    scans = calls_of(monkeypatch, mongo.EmbeddedSQLiteEngine, "_open_scan_documents_sync")
    result = collection.update_many({"_id": ids[3], "version": 0}, {"$set": {"version": 1}})  # QuerySet.update
    assert (result.matched_count, result.modified_count) == (1, 1)
    assert scans == []  # the document found by its id, not by a scan of the collection
    assert collection.update_many({"_id": {"$eq": ids[3]}, "version": 0}, {"$set": {"version": 2}}).matched_count == 0
    assert collection.update_many({"_id": {"$in": ids[4:6]}}, {"$set": {"version": 1}}).modified_count == 2
    new = ObjectId()
    upserted = collection.update_many({"_id": new}, {"$set": {"version": 1}}, upsert=True)
    assert upserted.upserted_id == new and collection.count_documents({"version": 1}) == 4
