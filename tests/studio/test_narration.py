"""“Narrate every scene”: the whole story queued once as narration jobs, run by a real worker, one progress bar."""

import sys

import pytest
from django.urls import reverse

from story_admin.models import Asset, Scene
from tests.factories import ScenarioFactory, SceneFactory
from tests.processes import run_worker
from tests.snapshots import changed_collections, database_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(author):
    scenario = ScenarioFactory(author=author, language="fr", title="Le phare")
    SceneFactory(scenario=scenario, title="La porte", text="La porte grince.", order=0)
    SceneFactory(scenario=scenario, title="L'escalier", text="Les marches montent.", order=1)
    SceneFactory(scenario=scenario, title="Vide", text="  ", order=2)  # nothing to read: not counted
    narrated = SceneFactory(scenario=scenario, title="La lanterne", text="La lumière tourne.", order=3)
    sound = Asset.objects.create(
        type="sound", name="lanterne", uploaded_by=author, scene=narrated, scenario=scenario, status="ready"
    )
    Scene.objects.filter(pk=narrated.pk).update(sound=sound)
    return scenario


def test_narrate_every_scene_queues_the_missing_ones_once_and_a_worker_makes_them(studio, story, rq_redis, settings):
    settings.TTS_PROVIDER = "espeak"
    url = reverse("studio:narration", args=[story.pk])
    page = studio.post(url, HTTP_HX_REQUEST="true").text
    assert "2 scenes queued for narration." in page
    assert "1 of 3 scenes narrated · 2 on their way" in page and 'hx-trigger="every 2s"' in page

    again = studio.post(url, HTTP_HX_REQUEST="true").text  # clicked again while the jobs wait: nothing twice
    assert "Nothing new to narrate" in again
    assert Asset.objects.filter(scenario=story, type="sound").count() == 3

    run_worker("sound")

    poll = studio.get(url, HTTP_HX_REQUEST="true").text
    assert "3 of 3 scenes narrated" in poll and "hx-trigger" not in poll and "<section" not in poll
    narrated = {scene.title: scene.sound.status for scene in Scene.objects.filter(scenario=story) if scene.sound_id}
    assert narrated == {"La porte": "ready", "L'escalier": "ready", "La lanterne": "ready"}


def test_the_settings_page_shows_the_story_s_progress_bar(studio, story, settings):
    settings.TTS_PROVIDER = "espeak"
    page = studio.get(reverse("studio:story_settings", args=[story.pk])).text
    assert '<progress id="narration-bar" max="3" value="1"' in page and "1 of 3 scenes narrated" in page
    assert ">Narrate every scene</button>" in page


def test_narration_not_set_up_is_disabled_in_words_and_refused(studio, story, rq_redis, settings, monkeypatch):
    settings.TTS_PROVIDER = "gtts"
    monkeypatch.setitem(sys.modules, "gtts", None)  # gTTS not installed on this server
    sentence = "Narration is not set up on this server; an administrator can enable it."
    page = studio.get(reverse("studio:story_settings", args=[story.pk])).text
    assert 'id="narrate-all" disabled aria-describedby="narration-off"' in page and sentence in page
    assert "pip install" not in page

    before = database_snapshot()
    refused = studio.post(reverse("studio:narration", args=[story.pk]), HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and sentence in refused.text
    assert changed_collections(before, database_snapshot()) == []


def test_the_quota_leaves_the_rest_for_the_next_click(studio, story, rq_redis, settings):
    settings.TTS_PROVIDER = "espeak"
    settings.GENERATION_PER_MINUTE = 1
    page = studio.post(reverse("studio:narration", args=[story.pk]), HTTP_HX_REQUEST="true").text
    assert "1 scene queued for narration." in page
    assert "1 scene is left for later: You asked for 1 media in a minute" in page
    assert Asset.objects.filter(scenario=story, type="sound", status="queued").count() == 1


def test_too_long_a_scene_is_named_and_the_others_queued(studio, story, rq_redis, settings):
    settings.TTS_PROVIDER = "espeak"
    settings.NARRATION_MAX_CHARACTERS = 17
    page = studio.post(reverse("studio:narration", args=[story.pk]), HTTP_HX_REQUEST="true").text
    assert "1 scene queued for narration." in page
    assert "Too long to narrate in one go (split it): “L&#x27;escalier”." in page
