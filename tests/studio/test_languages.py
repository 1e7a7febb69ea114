"""The studio in French and English (Django i18n, studio/locale): the browser's language by default, the
author's choice (the header's switch, Django's set_language) remembered by a cookie; the scripts' words from
the JavaScript catalogue (/i18n/studio.js)."""

import json
import re
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from story_admin.models import Choice, EditStep
from story_admin.services import state as declarations
from story_admin.state.expressions import parse_condition
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


def problems_asked_in_french(gql, author, scenario) -> dict:
    """The API's `problems` of a story, asked by its author with `Accept-Language: fr`."""
    query = "query($id: ID!) { scenario(id: $id) { problems { code message } } }"
    body = json.dumps({"query": query, "variables": {"id": str(scenario.pk)}})
    gql.as_user(author)
    return gql.client.post(
        "/graphql/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"JWT {gql.token}",
        HTTP_ACCEPT_LANGUAGE="fr",
    ).json()


@pytest.mark.django_db
def test_a_french_author_reads_the_problems_in_french_while_the_api_keeps_them_english(studio, gql, author, story):
    cellar = SceneFactory(scenario=story, title="La cave", position_x=640, position_y=0)
    french = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    said = "«\u00a0La cave\u00a0» est une impasse\u00a0: ajoutez un choix, ou faites-en une fin."
    unreached = "«\u00a0La cave\u00a0» ne peut pas être atteinte depuis le début\u00a0: reliez-y un choix."
    page = studio.get(reverse("studio:story", args=[story.pk]), **french).content.decode()
    listed = studio.get(reverse("studio:problems", args=[story.pk]), **french).content.decode()
    panel = studio.get(reverse("studio:scene", args=[story.pk, cellar.pk]), **french).content.decode()
    for html in (page, listed, panel):
        assert said in html and unreached in html and "dead end" not in html
    drawn = studio.get(reverse("studio:map_json", args=[story.pk]), **french).json()
    card = next(card for card in drawn["scenes"] if card["id"] == str(cellar.pk))
    assert card["problems"] == [said, unreached]
    answer = problems_asked_in_french(gql, author, story)
    assert {"code": "dead_end", "message": "“La cave” is a dead end: add a choice, or mark it as an ending."} in (
        answer["data"]["scenario"]["problems"]
    )


@pytest.fixture
def crypt(author, rq_redis):
    """A story whose state traps its players: the gate wants ten coins that no scene gives."""
    scenario = ScenarioFactory(author=author, title="La crypte")
    declarations.declare_variable(editor=author, scenario=scenario, name="pieces", kind="number", initial=0)
    declarations.declare_item(editor=author, scenario=scenario, name="clef")
    threshold = SceneFactory(scenario=scenario, title="Le seuil", is_start_scene=True, order=0)
    gate = SceneFactory(scenario=scenario, title="La grille", order=1)
    treasure = SceneFactory(scenario=scenario, title="Le trésor", is_end_scene=True, order=2)
    way_out = SceneFactory(scenario=scenario, title="La sortie", is_end_scene=True, order=3)
    Choice.objects.create(scenario=scenario, from_scene=threshold, to_scene=gate, text="Avancer", order=0)
    Choice.objects.create(scenario=scenario, from_scene=threshold, to_scene=way_out, text="Fuir", order=1)
    Choice.objects.create(
        scenario=scenario, from_scene=gate, to_scene=treasure, text="Payer", condition=parse_condition("pieces >= 10")
    )
    return scenario


def french_text(html: str) -> str:
    """The page's text with French spacing made plain (the catalogue puts no-break spaces before ":" and in « »)."""
    return unescape(html).replace("\u00a0", " ")


@pytest.mark.django_db
def test_a_french_author_reads_what_only_the_state_shows_in_french(studio, gql, author, crypt):
    french = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    stuck = "Un joueur peut rester bloqué dans « La grille » : aucun choix n’y est ouvert après “Avancer” (pieces = 0)."
    unreachable = (
        "Aucun joueur ne peut atteindre la fin « Le trésor » : le choix « Payer » de « La grille » demande "
        "pieces >= 10, ce qu’aucun joueur n’y remplit."
    )
    never_set = "La variable « pieces » n’est jamais modifiée : elle garde sa valeur initiale 0 pour tous les joueurs."
    never_gained = "L’objet « clef » n’est jamais obtenu : aucun effet ne dit gain “clef”."
    listed = french_text(studio.get(reverse("studio:problems", args=[crypt.pk]), **french).content.decode())
    endings = french_text(studio.get(reverse("studio:endings", args=[crypt.pk]), **french).content.decode())
    for html in (listed, endings):
        assert stuck in html and unreachable in html and never_set in html and never_gained in html
        assert "A player can be stuck" not in html and "No player can reach" not in html
    answer = problems_asked_in_french(gql, author, crypt)
    assert {
        "code": "STUCK",
        "message": "A player can be stuck in “La grille”: no choice is open there after “Avancer” (pieces = 0).",
    } in answer["data"]["scenario"]["problems"]


@pytest.mark.django_db
def test_a_state_check_cut_short_says_so_in_french(studio, crypt, settings):
    settings.ANALYSIS_PROBLEMS_MAX_STATES = 2
    listed = french_text(
        studio.get(reverse("studio:problems", args=[crypt.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )
    assert (
        "La vérification de l’état de l’histoire s’est arrêtée après 2 états (la limite est de 2) : les scènes et "
        "les choix qu’elle n’a pas atteints ne sont pas signalés ici."
    ) in listed


@pytest.mark.django_db
def test_a_scene_added_in_french_is_called_nouvelle_scene(studio, story):
    url = reverse("studio:add_scene", args=[story.pk])
    studio.post(url, {}, HTTP_ACCEPT_LANGUAGE="fr", HTTP_HX_REQUEST="true")
    studio.post(url, {}, HTTP_ACCEPT_LANGUAGE="fr", HTTP_HX_REQUEST="true")
    assert {"Nouvelle scène", "Nouvelle scène 2"} <= set(story.scenes.values_list("title", flat=True))


@pytest.mark.django_db
def test_the_undo_and_redo_buttons_name_the_step_in_french(studio, author, story):
    start = story.scenes.get(is_start_scene=True)
    french = {"HTTP_ACCEPT_LANGUAGE": "fr", "HTTP_HX_REQUEST": "true"}
    renamed = {"title": "Le seuil", "text": start.text, "is_start_scene": "on"}
    studio.post(reverse("studio:scene", args=[story.pk, start.pk]), renamed, **french)
    buttons = studio.get(reverse("studio:history_buttons", args=[story.pk]), **french).content.decode()
    assert "Annuler : renommage de «\u00a0La porte\u00a0»" in buttons.replace("\u00a0:", " :")
    undone = studio.post(reverse("studio:undo", args=[story.pk]), **french).content.decode().replace("\u00a0:", " :")
    assert "Annulé : renommage de «\u00a0La porte\u00a0»." in undone
    assert "Rétablir : renommage de «\u00a0La porte\u00a0»" in undone
    assert EditStep.objects.get(scenario=story).label == "rename “La porte”"  # the admin's and the API's English
    EditStep.objects.filter(scenario=story).update(wording="", details={})  # a step recorded before wordings
    buttons = studio.get(reverse("studio:history_buttons", args=[story.pk]), **french).content.decode()
    assert "Rétablir : rename “La porte”" in buttons.replace("\u00a0:", " :")


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
    start = SceneFactory(scenario=scenario, title="La porte", is_start_scene=True, position_x=0, position_y=0, order=0)
    cellar = SceneFactory(scenario=scenario, title="La cave", position_x=0, position_y=300, order=1)
    well = SceneFactory(scenario=scenario, title="Le puits", position_x=300, position_y=300, order=2)
    locked = Choice.objects.create(
        scenario=scenario, from_scene=cellar, to_scene=well, text="Descendre", condition=parse_condition("corde >= 1")
    )
    sign_in(page, author)
    assert page.get_attribute("html", "lang") == "fr"
    expect(page.locator("h1")).to_have_text("Vos histoires")
    expect(page.locator(".card .meta").first).to_contain_text("3 scènes")

    page.goto(f"/stories/{scenario.pk}/scenes/{start.pk}/")
    page.wait_for_selector("#map[data-ready=true]")
    expect(page.get_by_label("Titre de la scène", exact=True)).to_have_value("La porte")
    expect(page.get_by_label("Texte de la scène", exact=True)).to_be_visible()
    expect(page.get_by_label("Nouveau choix", exact=True)).to_be_visible()
    page.get_by_label("Texte de la scène", exact=True).fill("La porte grince.")
    expect(page.locator("#autosave-status")).to_have_text("Enregistré.")
    # Each count its own plural: French says 0 in the singular.
    expect(page.locator("#map-scenes a").first).to_contain_text(re.compile(r"0 choix sortant, 0 entrant(?!s)"))
    # A conditioned arrow's label says its condition in French; the minimap's picture, not yet drawn, shows no
    # broken image with the navigator's English alt text.
    label = page.evaluate(f"window.storyMap.getElementById('{locked.pk}').data('label')")
    assert label == "si corde >= 1\nDescendre"
    assert page.get_attribute("#map-minimap img", "alt") == ""

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
