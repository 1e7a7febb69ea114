"""The media panel: generate with live status, upload, remove; a real worker makes the narration."""

import django_rq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rq import SimpleWorker

from story_admin.models import Asset, Scene
from tests.factories import ScenarioFactory, SceneFactory
from tests.generation.media_samples import png_bytes, png_declaring

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(author):
    return SceneFactory(scenario=ScenarioFactory(author=author, language="fr"), title="Gate", text="Une porte grince.")


def test_generate_narration_shows_progress_then_the_player(studio, scene, rq_redis, settings):
    settings.TTS_PROVIDER = "espeak"
    url = reverse("studio:generate_media", args=[scene.scenario_id, scene.pk])
    queued = studio.post(url, {"kind": "sound", "prompt": ""}, HTTP_HX_REQUEST="true")
    assert queued.status_code == 200 and "Queued" in queued.text and 'hx-trigger="every 2s"' in queued.text

    worker = SimpleWorker([django_rq.get_queue("sound")], connection=django_rq.get_connection("sound"))
    worker.work(burst=True)

    done = studio.get(reverse("studio:media", args=[scene.scenario_id, scene.pk]), HTTP_HX_REQUEST="true")
    asset = Scene.objects.get(pk=scene.pk).sound
    assert asset.status == "ready" and f'src="{asset.file.url}"' in done.text
    assert 'hx-trigger="every 2s"' not in done.text  # polling stops once nothing is pending
    assert studio.get(asset.file.url).content[:4] == b"RIFF"


def test_a_provider_not_set_up_is_disabled_in_words_an_author_understands(
    studio, scene, rq_redis, settings, monkeypatch, caplog
):
    settings.HUGGINGFACE_API_TOKEN = ""
    monkeypatch.setattr("generation.selectors._logged", set())
    media = reverse("studio:media", args=[scene.scenario_id, scene.pk])
    page = studio.get(media, HTTP_HX_REQUEST="true").text
    sentence = "Image generation is not set up on this server; an administrator can enable it."
    assert sentence in page and 'disabled aria-describedby="not-set-up-image">Generate image' in page
    assert "HUGGINGFACE_API_TOKEN" not in page and "HUGGINGFACE_API_TOKEN" in caplog.text  # the detail: the log

    # Asked for anyway (an old page, the API): it fails, the detail goes to the asset (the admin), no Retry.
    studio.post(
        reverse("studio:generate_media", args=[scene.scenario_id, scene.pk]), {"kind": "image"}, HTTP_HX_REQUEST="true"
    )
    SimpleWorker([django_rq.get_queue("image")], connection=django_rq.get_connection("image")).work(burst=True)
    assert "HUGGINGFACE_API_TOKEN" in Asset.objects.get(scene=scene, type="image").error
    settings.HUGGINGFACE_API_TOKEN = "hf_now_set"
    page = studio.get(media, HTTP_HX_REQUEST="true").text
    assert sentence in page and "HUGGINGFACE_API_TOKEN" not in page and "Retry image" not in page
    assert ">Generate image</button>" in page


def test_a_failure_that_may_pass_offers_a_retry(studio, scene, settings):
    settings.HUGGINGFACE_API_TOKEN = "hf_set"
    Asset.objects.create(
        type="image",
        name="Gate (image)",
        uploaded_by=scene.scenario.author,
        scene=scene,
        scenario_id=scene.scenario_id,
        status="failed",
        error="Hugging Face did not answer: timeout",
    )
    page = studio.get(reverse("studio:media", args=[scene.scenario_id, scene.pk]), HTTP_HX_REQUEST="true").text
    assert "Generation failed: Hugging Face did not answer" in page and "Retry image" in page


def test_upload_and_remove(studio, scene):
    url = reverse("studio:upload_media", args=[scene.scenario_id, scene.pk])
    page = studio.post(
        url, {"kind": "image", "file": SimpleUploadedFile("g.png", png_bytes(12, 9))}, HTTP_HX_REQUEST="true"
    ).text
    image = Scene.objects.get(pk=scene.pk).image
    assert (image.width, image.height) == (12, 9) and f'src="{image.file.url}"' in page
    bad = studio.post(url, {"kind": "image", "file": SimpleUploadedFile("g.png", b"text")}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422 and "not an image" in bad.text
    studio.post(
        reverse("studio:remove_media", args=[scene.scenario_id, scene.pk]), {"field": "image"}, HTTP_HX_REQUEST="true"
    )
    assert Scene.objects.get(pk=scene.pk).image_id is None and Asset.objects.filter(pk=image.pk).exists()


def test_a_huge_image_upload_is_a_clear_refusal_not_a_500(studio, scene):
    url = reverse("studio:upload_media", args=[scene.scenario_id, scene.pk])
    huge = {"kind": "image", "file": SimpleUploadedFile("huge.png", png_declaring(100_000, 100_000))}
    response = studio.post(url, huge, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "at most 40 megapixels" in response.text
    huge["file"].seek(0)
    assert studio.post(url, huge, follow=True).status_code == 200  # without htmx: back to the scene page
    assert Scene.objects.get(pk=scene.pk).image_id is None and not Asset.objects.exists()


def test_another_authors_scene_media_is_a_404(studio):
    theirs = SceneFactory()
    assert (
        studio.post(
            reverse("studio:generate_media", args=[theirs.scenario_id, theirs.pk]), {"kind": "sound"}
        ).status_code
        == 404
    )
