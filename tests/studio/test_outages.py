"""Faults: MongoDB or Redis stops answering, then comes back; nothing crashes, nothing is half-saved."""

import json

import pytest
from django.db import connection
from django.urls import reverse

from generation.services import GenerationUnavailable, request_generation
from story_admin.models import Asset, Scene
from story_admin.services.scenes import update_scene
from tests.processes import free_port, start_redis
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(settings):
    """The database really unreachable (a closed port) for one block, then back."""
    original = dict(connection.settings_dict)

    class Outage:
        def __enter__(self):
            connection.close_pool()
            connection.settings_dict["HOST"] = "mongodb://127.0.0.1:9/"
            connection.settings_dict["OPTIONS"] = {"serverSelectionTimeoutMS": 300}

        def __exit__(self, *exc):
            connection.close_pool()
            connection.settings_dict.update(original)

    return Outage()


def test_studio_and_api_answer_503_during_an_outage_and_recover(client, author, database_down):
    story = ScenarioFactory(author=author, title="Still here")
    client.force_login(author)
    with database_down:
        page = client.get(reverse("studio:story", args=[story.pk]))
        api = client.post(
            "/graphql/", json.dumps({"query": "{ allScenarios { title } }"}), content_type="application/json"
        )
    assert page.status_code == 503 and "The database is not answering" in page.text
    assert page["Retry-After"] == "5" and "Traceback" not in page.text
    error = api.json()["errors"][0]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE" and "not answering" in error["message"]
    assert client.get(reverse("studio:story", args=[story.pk])).status_code == 200


def test_redis_stopped_then_back(author, settings, tmp_path):
    """Edits are saved while Redis is down, generation says why it cannot start, and works again after."""
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    for queue in settings.RQ_QUEUES.values():
        queue["URL"] = url
    scene = SceneFactory(scenario=ScenarioFactory(author=author))

    with pytest.raises(GenerationUnavailable):
        request_generation(requester=author, kind="sound", scene=scene)
    update_scene(editor=author, scene=scene, title="Saved while Redis was down")
    assert Scene.objects.get(pk=scene.pk).title == "Saved while Redis was down"

    server = start_redis(port, tmp_path)
    try:
        asset = request_generation(requester=author, kind="sound", scene=scene)
        assert Asset.objects.get(pk=asset.pk).status == "queued"
    finally:
        server.terminate()
        server.wait(10)
