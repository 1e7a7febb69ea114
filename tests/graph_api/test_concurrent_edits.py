"""Two clients saving the same scene: with `expectedVersion`, the later save is refused, never lost silently."""

import pytest

from story_admin.models import Scene
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db

READ = "query($id: ID!) { sceneById(sceneId: $id) { text version } }"
SAVE = """mutation($id: ID!, $text: String!, $version: String) {
  updateScene(sceneId: $id, input: {text: $text}, expectedVersion: $version) { success message scene { version } } }"""


def test_the_later_of_two_saves_is_refused(gql, author):
    scene = SceneFactory(scenario=ScenarioFactory(author=author))
    gql.as_user(author)
    version = gql.data(READ, {"id": str(scene.pk)})["sceneById"]["version"]
    first = gql.data(SAVE, {"id": str(scene.pk), "text": "Editor one", "version": version})["updateScene"]
    assert first["success"]
    second = gql.data(SAVE, {"id": str(scene.pk), "text": "Editor two", "version": version})["updateScene"]
    assert not second["success"] and "saved elsewhere" in second["message"]
    assert Scene.objects.get(pk=scene.pk).text == "Editor one"
    third = gql.data(SAVE, {"id": str(scene.pk), "text": "Editor two, merged",
                            "version": first["scene"]["version"]})["updateScene"]
    assert third["success"] and Scene.objects.get(pk=scene.pk).text == "Editor two, merged"


def test_without_a_version_the_contract_behaviour_is_kept(gql, author):
    scene = SceneFactory(scenario=ScenarioFactory(author=author))
    gql.as_user(author)
    for text in ("One", "Two"):
        assert gql.data(SAVE, {"id": str(scene.pk), "text": text})["updateScene"]["success"]
