"""The embedded server's shims, each checked through what a client really sends."""

import pymongo
import pytest
from bson import ObjectId
from django.db.models import Count, Exists, OuterRef, Q

from story_admin.models import Choice, Scenario, Scene
from tests.factories import ChoiceFactory, SceneFactory, ScenarioFactory


@pytest.fixture
def client(embedded_mongo):
    with pymongo.MongoClient(embedded_mongo.uri, serverSelectionTimeoutMS=5000) as client:
        yield client


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
