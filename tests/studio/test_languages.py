"""The studio in French and English (Django i18n, studio/locale): the browser's language by default, the
author's choice (the header's switch, Django's set_language) remembered by a cookie; the scripts' words from
the JavaScript catalogue (/i18n/studio.js)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from story_admin.models import Choice
from tests.browsers import browser_page
from tests.factories import PASSWORD, AuthorFactory, ScenarioFactory, SceneFactory


@pytest.fixture
def story(author):
    scenario = ScenarioFactory(author=author, title="Le phare")
    start = SceneFactory(scenario=scenario, title="La porte", is_start_scene=True, position_x=0, position_y=0)
    end = SceneFactory(scenario=scenario, title="La lanterne", is_end_scene=True, position_x=320, position_y=0)
    Choice.objects.create(scenario=scenario, from_scene=start, to_scene=end, text="Monter")
    return scenario


def labels(html: str) -> dict:
    """Each <label for=...> of a page: {id: its text}."""
    return {
        found.group(1): re.sub(r"<[^>]+>", "", found.group(2)).strip()
        for found in re.finditer(r'<label for="([^"]+)"[^>]*>(.*?)</label>', html, re.S)
    }


@pytest.mark.django_db
def test_a_french_browser_gets_the_studio_in_french(studio, story):
    start = story.scenes.get(is_start_scene=True)
    dashboard = studio.get(reverse("studio:dashboard"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert '<html lang="fr">' in dashboard
    assert "Vos histoires" in dashboard and "2 scènes" in dashboard and "1 fin" in dashboard
    assert "Nouvelle histoire" in dashboard and "Importer" in dashboard
    panel = studio.get(reverse("studio:scene", args=[story.pk, start.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    fields = labels(panel)
    assert fields["id_title"] == "Titre de la scène" and fields["id_text"] == "Texte de la scène"
    assert fields["new_choice"] == "Nouveau choix"
    assert "Enregistrer la scène" in panel and "Ajouter une scène" in panel and "Relier en glissant" in panel


@pytest.mark.django_db
def test_an_english_browser_keeps_the_english_labels(studio, story):
    start = story.scenes.get(is_start_scene=True)
    panel = studio.get(
        reverse("studio:scene", args=[story.pk, start.pk]), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8"
    ).content.decode()
    fields = labels(panel)
    assert '<html lang="en">' in panel
    assert (fields["id_title"], fields["id_text"], fields["new_choice"]) == ("Scene title", "Scene text", "New choice")


@pytest.mark.django_db
def test_the_switch_is_remembered_for_a_year_over_the_browser_language(studio, story):
    dashboard = studio.get(reverse("studio:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    switch = re.search(r'<form class="language" method="post" action="([^"]+)">', dashboard)
    assert switch and switch.group(1) == reverse("set_language")
    answer = studio.post(switch.group(1), {"language": "en", "next": reverse("studio:dashboard")})
    assert answer.status_code == 302 and answer["Location"] == reverse("studio:dashboard")
    cookie = answer.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 365 * 24 * 60 * 60
    again = studio.get(reverse("studio:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en">' in again and "Your stories" in again


@pytest.mark.django_db
def test_refusals_and_confirmations_speak_french(studio, story):
    start = story.scenes.get(is_start_scene=True)
    url = reverse("studio:scene", args=[story.pk, start.pk])
    refused = studio.post(url, {"title": "", "text": "x"}, HTTP_ACCEPT_LANGUAGE="fr", HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "Ce champ est obligatoire." in refused.content.decode()
    saved = studio.post(url, {"title": "Le seuil", "text": ""}, HTTP_ACCEPT_LANGUAGE="fr", HTTP_HX_REQUEST="true")
    assert "«\u00a0Le seuil\u00a0» enregistrée." in saved.content.decode()
    unknown = studio.post(
        reverse("studio:add_choice", args=[story.pk, start.pk]),
        {"text": "Fuir", "to_scene": "Nulle part"},
        HTTP_ACCEPT_LANGUAGE="fr",
        HTTP_HX_REQUEST="true",
    )
    assert "Aucune scène ne s’appelle «\u00a0Nulle part\u00a0»" in unknown.content.decode()


@pytest.mark.django_db
def test_the_scripts_catalogue_follows_the_interface_language(client):
    french = client.get(reverse("studio_javascript_catalog"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Enregistrement\\u2026" in french or "Enregistrement…" in french
    assert "Saving\\u2026" in french or "Saving…" in french  # the msgid, the key of gettext()
    english = client.get(reverse("studio_javascript_catalog"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Enregistrement" not in english


@pytest.fixture
def french_page(browser, live_server):
    with browser_page(browser, live_server.url, locale="fr-FR") as page:
        yield page


def sign_in(page, author):
    page.goto("/signin/")
    page.fill("input[name=email]", author.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_french_author_writes_in_french_then_switches_to_english(french_page):
    page = french_page
    author = AuthorFactory()
    scenario = ScenarioFactory(author=author, title="Le phare")
    start = SceneFactory(scenario=scenario, title="La porte", is_start_scene=True, position_x=0, position_y=0)
    sign_in(page, author)
    assert page.get_attribute("html", "lang") == "fr"
    expect(page.locator("h1")).to_have_text("Vos histoires")
    expect(page.locator(".card .meta").first).to_contain_text("1 scène")

    page.goto(f"/stories/{scenario.pk}/scenes/{start.pk}/")
    page.wait_for_selector("#map[data-ready=true]")
    expect(page.get_by_label("Titre de la scène", exact=True)).to_have_value("La porte")
    expect(page.get_by_label("Texte de la scène", exact=True)).to_be_visible()
    expect(page.get_by_label("Nouveau choix", exact=True)).to_be_visible()
    page.get_by_label("Texte de la scène", exact=True).fill("La porte grince.")
    expect(page.locator("#autosave-status")).to_have_text("Enregistré.")
    # Each count its own plural: French says 0 in the singular.
    expect(page.locator("#map-scenes a").first).to_contain_text(re.compile(r"0 choix sortant, 0 entrant(?!s)"))

    # The switch in the header, without any script: a form posted to set_language; the choice outlives a reload.
    page.select_option("#language-choice", "en")
    page.click("text=Utiliser cette langue")
    page.wait_for_selector("#map[data-ready=true]")
    assert page.get_attribute("html", "lang") == "en"
    expect(page.get_by_label("Scene title", exact=True)).to_have_value("La porte")
    page.reload()
    page.wait_for_selector("#map[data-ready=true]")
    assert page.get_attribute("html", "lang") == "en"
    expect(page.get_by_label("Scene text", exact=True)).to_have_value("La porte grince.")
    expect(page.get_by_label("New choice", exact=True)).to_be_visible()
    page.get_by_label("Scene text", exact=True).fill("La porte grince fort.")
    expect(page.locator("#autosave-status")).to_have_text("Saved.")
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Your stories")
