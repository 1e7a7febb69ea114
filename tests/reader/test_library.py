"""The library of published stories: what each card says, search, the language and tag filters, the empty states."""

import pytest
from django.urls import reverse

from tests.factories import AssetFactory, ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(author):
    cover = AssetFactory(uploaded_by=author, name="Sea", url="https://example.com/sea.png")
    sea = ScenarioFactory(
        author=author,
        title="The Sea Wall",
        description="Storm waves and a keeper.",
        language="en",
        tags=["storm", "short"],
        is_published=True,
        cover_image=cover,
    )
    SceneFactory(scenario=sea, text=" ".join(["word"] * 450), is_start_scene=True)
    SceneFactory(scenario=sea, text="The end.", is_end_scene=True)
    forest = ScenarioFactory(
        author=author, title="La forêt", description="Des arbres.", language="fr", tags=["conte"], is_published=True
    )
    SceneFactory(scenario=forest, text="Il était une fois.", is_start_scene=True)
    ScenarioFactory(author=author, title="Secret draft", language="en", tags=["storm"])
    return sea, forest


def library(client, **query):
    return client.get(reverse("reader:library"), query).content.decode()


def test_each_published_story_shows_its_card(client, shelf):
    page = library(client)
    assert "2 stories" in page and "Secret draft" not in page
    assert '<img class="cover" src="https://example.com/sea.png" alt="">' in page
    card = page.split("The Sea Wall")[1].split("</li>\n  \n")[0]
    for fact in ("English", "2 scenes", "1 ending", "about 3 minutes to read in full", "#storm"):
        assert fact in card
    assert '<h2 lang="fr"><a href="/read/la-foret/">La forêt</a></h2>' in page


def test_search_and_filters(client, shelf):
    assert "The Sea Wall" in library(client, q="keeper WAVES") and "La forêt" not in library(client, q="keeper")
    only_french = library(client, language="fr")
    assert "La forêt" in only_french and "The Sea Wall" not in only_french and "1 story" in only_french
    tagged = library(client, tag="storm")
    assert "The Sea Wall" in tagged and "La forêt" not in tagged and "Secret draft" not in tagged
    assert (
        '<option value="conte">conte</option>' in tagged and '<option value="storm" selected>storm</option>' in tagged
    )


def test_empty_states(client, db):
    assert "No story is published yet." in library(client)
    ScenarioFactory(title="Out", is_published=True)
    page = library(client, q="nothing like it")
    assert "No published story matches." in page and "Show every story" in page
