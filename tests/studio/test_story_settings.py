"""The story's settings page: its fields, the languages narration speaks, the cover, and publishing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from gtts.lang import tts_langs

from generation.languages import NARRATION_LANGUAGES
from story_admin.models import Scenario
from tests.factories import ScenarioFactory, SceneFactory
from tests.generation.media_samples import png_bytes

pytestmark = pytest.mark.django_db


def test_every_language_offered_is_one_narration_speaks():
    assert {code for code, _ in NARRATION_LANGUAGES} <= set(tts_langs())


def test_settings_are_saved_through_the_story_service(studio, author):
    story = ScenarioFactory(author=author, title="Old title", language="en")
    url = reverse("studio:story_settings", args=[story.pk])
    page = studio.get(url).text
    assert '<option value="fr">Français</option>' in page and '<option value="de">Deutsch</option>' in page
    response = studio.post(
        url,
        {
            "title": "Le puits",
            "description": "Une descente.",
            "language": "fr",
            "tags": "horreur, court, horreur",
            "cover": SimpleUploadedFile("cover.png", png_bytes(8, 6)),
        },
    )
    assert response.status_code == 302
    story = Scenario.objects.get(pk=story.pk)
    assert (story.title, story.description, story.language, story.tags) == (
        "Le puits",
        "Une descente.",
        "fr",
        ["horreur", "court"],
    )
    assert (story.cover_image.width, story.cover_image.height) == (8, 6)
    assert "Story settings saved." in studio.get(url).text


def test_a_refused_setting_shows_next_to_its_field_and_changes_nothing(studio, author):
    story = ScenarioFactory(author=author, title="Kept", language="en")
    url = reverse("studio:story_settings", args=[story.pk])
    for data, field in (
        ({"title": "", "language": "en"}, "title"),
        ({"title": "X", "language": "klingon"}, "language"),
        ({"title": "X", "language": "en", "cover": SimpleUploadedFile("c.png", b"text")}, "cover"),
    ):
        response = studio.post(url, data)
        assert response.status_code == 400
        assert f'aria-describedby="story_{field}_error' in response.text or (
            f'id="story_{field}_error"' in response.text
        ), field
    story = Scenario.objects.get(pk=story.pk)
    assert (story.title, story.cover_image_id) == ("Kept", None)


def test_publishing_shows_what_blocks_and_what_only_warns(studio, author):
    story = ScenarioFactory(author=author, title="Empty")
    url = reverse("studio:story_settings", args=[story.pk])
    page = studio.get(url).text
    assert "Fix these first" in page and "disabled" in page
    SceneFactory(scenario=story, title="Start", is_start_scene=True, is_end_scene=True, ending_kind="happy")
    SceneFactory(scenario=story, title="Lost", order=1)
    page = studio.get(url).text
    assert "may surprise players" in page and "Fix these first" not in page
    asked = studio.post(reverse("studio:publish", args=[story.pk]), {"publish": "1"})
    assert "Publish anyway" in asked.text and not Scenario.objects.get(pk=story.pk).is_published


def test_the_author_switches_going_back_off_and_on(studio, author):
    story = ScenarioFactory(author=author, title="No return")
    url = reverse("studio:story_settings", args=[story.pk])
    page = studio.get(url).text
    assert 'name="allow_back" aria-describedby="story_allow_back_helptext" id="story_allow_back" checked>' in page  # on
    fields = {"title": "No return", "description": "", "language": "en", "tags": ""}
    assert studio.post(url, fields).status_code == 302  # an unticked box is not sent: off
    assert Scenario.objects.get(pk=story.pk).allow_back is False
    assert 'id="story_allow_back">' in studio.get(url).text  # unticked
    assert studio.post(url, {**fields, "allow_back": "on"}).status_code == 302
    assert Scenario.objects.get(pk=story.pk).allow_back is True
