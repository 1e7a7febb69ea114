"""Generation jobs on a real Redis and a real worker: statuses, files, scenes, failures."""

import django_rq
import pytest
from django.core.files.storage import default_storage

from generation.jobs import generate_asset
from generation.services import GenerationUnavailable, request_generation
from story_admin.services.scenes import update_scene
from story_admin.exceptions import StoryRuleError
from story_admin.models import Asset, Scene
from tests.factories import ScenarioFactory, SceneFactory
from tests.processes import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(db):
    scenario = ScenarioFactory(title="Le phare", language="fr", is_published=True)
    return SceneFactory(
        scenario=scenario,
        title="La tempête",
        text="La mer cogne contre l'île.",
        is_start_scene=True,
        is_end_scene=True,
        ending_kind="happy",
    )


def test_narration_end_to_end_with_espeak(rq_redis, settings, scene, client):
    settings.TTS_PROVIDER = "espeak"
    asset = request_generation(requester=scene.scenario.author, kind="sound", scene=scene)
    assert Asset.objects.get(pk=asset.pk).status == "queued"
    assert django_rq.get_queue("sound").count == 1 and django_rq.get_queue("music").count == 0

    run_worker("sound")

    asset.refresh_from_db()
    assert (asset.status, asset.provider, asset.model, asset.mime_type) == ("ready", "espeak-ng", "fr", "audio/wav")
    assert asset.duration > 0.5 and asset.prompt == "La mer cogne contre l'île."
    assert Scene.objects.get(pk=scene.pk).sound_id == asset.pk
    stored = default_storage.open(asset.file.name).read()
    assert stored[:4] == b"RIFF" and len(stored) == asset.file_size
    part = client.get(asset.file.url, HTTP_RANGE="bytes=0-3")
    assert part.status_code == 206 and part.content == b"RIFF"


def test_running_a_job_twice_leaves_one_file_and_one_ready_asset(rq_redis, settings, scene):
    settings.TTS_PROVIDER = "espeak"
    asset = request_generation(requester=scene.scenario.author, kind="sound", scene=scene)
    run_worker("sound")
    assert generate_asset(str(asset.pk)) == "already ready"
    Asset.objects.filter(pk=asset.pk).update(status="queued")
    assert generate_asset(str(asset.pk)) == "ready"
    assert default_storage.listdir("generated")[1] == [f"{asset.pk}.wav"]
    assert Asset.objects.filter(scene=scene).count() == 1


def test_a_failed_regeneration_keeps_the_previous_media(rq_redis, settings, scene):
    settings.TTS_PROVIDER = "espeak"
    first = request_generation(requester=scene.scenario.author, kind="sound", scene=scene)
    run_worker("sound")
    update_scene(editor=scene.scenario.author, scene=Scene.objects.get(pk=scene.pk), text="")
    again = request_generation(
        requester=scene.scenario.author, kind="sound", scene=Scene.objects.get(pk=scene.pk), prompt=" "
    )
    run_worker("sound")
    again.refresh_from_db()
    assert again.status == "failed" and again.error == "There is no text to narrate."
    assert Scene.objects.get(pk=scene.pk).sound_id == first.pk


def test_image_without_a_token_fails_with_a_clear_reason(rq_redis, settings, scene):
    settings.HUGGINGFACE_API_TOKEN = ""
    asset = request_generation(requester=scene.scenario.author, kind="image", scene=scene)
    run_worker("image")
    asset.refresh_from_db()
    assert asset.status == "failed" and "HUGGINGFACE_API_TOKEN" in asset.error
    assert Scene.objects.get(pk=scene.pk).image_id is None


def test_unreachable_redis_is_a_clear_error_and_the_scene_is_saved(settings, scene, client):
    from graphql_jwt.shortcuts import get_token

    for queue in settings.RQ_QUEUES.values():
        queue["URL"] = "redis://127.0.0.1:1/0"
    with pytest.raises(GenerationUnavailable, match="job queue cannot be reached"):
        request_generation(requester=scene.scenario.author, kind="sound", scene=scene)
    assert Asset.objects.get(scene=scene).status == "failed"

    import json

    response = client.post(
        "/graphql/",
        json.dumps(
            {
                "query": """mutation($s: ID!) { updateScene(sceneId: $s,
        input: {title: "Renamed", autoGenerateSound: true}) { success message scene { title } } }""",
                "variables": {"s": str(scene.pk)},
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"JWT {get_token(scene.scenario.author)}",
    )
    payload = response.json()["data"]["updateScene"]
    assert payload["success"] and payload["scene"]["title"] == "Renamed"
    assert "job queue cannot be reached" in payload["message"]
    assert Scene.objects.get(pk=scene.pk).title == "Renamed"


def test_an_author_has_a_generation_quota_per_minute(rq_redis, settings, scene):
    settings.GENERATION_PER_MINUTE = 3
    for _ in range(3):
        request_generation(requester=scene.scenario.author, kind="image", scene=scene)
    with pytest.raises(
        StoryRuleError, match="You asked for 3 media in a minute, the most one author may: try again in a minute."
    ):
        request_generation(requester=scene.scenario.author, kind="image", scene=scene)
    assert Asset.objects.filter(scene=scene).count() == 3


def test_a_burst_of_parallel_requests_stays_within_the_quota(rq_redis, settings, scene):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    settings.GENERATION_PER_MINUTE = 5
    author = scene.scenario.author

    def ask(_):
        try:
            request_generation(requester=author, kind="image", scene=scene)
            return True
        except StoryRuleError:
            return False
        finally:
            connections.close_all()

    with ThreadPoolExecutor(10) as pool:
        granted = sum(pool.map(ask, range(20)))
    assert granted == 5 and Asset.objects.filter(scene=scene).count() == 5


def test_a_narration_longer_than_the_cap_is_refused_clearly(rq_redis, settings, scene):
    settings.NARRATION_MAX_CHARACTERS = 100
    with pytest.raises(StoryRuleError, match="A narration reads at most 100 characters; this text has 150."):
        request_generation(requester=scene.scenario.author, kind="sound", scene=scene, prompt="x" * 150)
    assert not Asset.objects.filter(scene=scene).exists()
