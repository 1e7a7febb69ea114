"""Playing on the reading site with plain form posts (no JavaScript): a guest's whole story, back, restart,
the state panel, the locked choice's reason, htmx partials, and the API continuing the reader's progress."""

import re

import pytest
from django.urls import reverse

from story_admin.models import PlayerProgress, Scenario, Scene
from tests.reader.pages import choices_on, locked_on

pytestmark = pytest.mark.django_db

# The demo story's path to its neutral ending: oil in the watch room, then the emergency light.
TO_THE_EMERGENCY_LIGHT = [
    "Monter réparer la lanterne",
    "Pousser la porte de la chambre de veille",
    "Refermer le registre et monter",
    "Allumer le feu de secours à la main",
]


def play_path(client, story, labels):
    page = client.get(reverse("reader:play", args=[story.slug])).content.decode()
    for label in labels:
        offered = choices_on(page)
        assert label in offered, f"“{label}” is not offered; the page offers {sorted(offered)}"
        answer = client.post(reverse("reader:choose", args=[story.slug]), {"choice": offered[label]})
        assert answer.status_code == 302 and answer["Location"] == reverse("reader:play", args=[story.slug])
        page = client.get(answer["Location"]).content.decode()
    return page


def start(client, story):
    answer = client.post(reverse("reader:start", args=[story.slug]))
    assert answer.status_code == 302 and answer["Location"] == reverse("reader:play", args=[story.slug])


def test_a_guest_plays_the_demo_story_to_an_ending_with_plain_form_posts(client, demo):
    page = client.get(reverse("reader:story", args=[demo.slug])).content.decode()
    assert "Start reading" in page
    start(client, demo)
    first = client.get(reverse("reader:play", args=[demo.slug])).content.decode()
    assert '<div lang="fr">' in first and "La tempête" in first
    assert 'id="scene-text" class="scene-text" tabindex="-1" autofocus' in first
    assert 'aria-live="polite"' in first

    page = play_path(client, demo, TO_THE_EMERGENCY_LIGHT)

    assert "Le feu de secours" in page and "An ending" in page
    assert "1 of 4 endings found" in page
    assert choices_on(page) == {}
    assert PlayerProgress.objects.count() == 0  # a guest's progress lives in the session only


def test_a_locked_choice_is_shown_disabled_with_the_authors_reason_and_the_state_panel_shows_the_oil(client, demo):
    start(client, demo)
    page = play_path(client, demo, ["Monter réparer la lanterne", "Continuer jusqu'à la lanterne"])
    assert locked_on(page) == {
        "Allumer le feu de secours à la main": "La lampe à pétrole est vide : il faudrait de l'huile."
    }
    assert "Your stats and inventory" in page
    assert "<dt>huile</dt><dd>0</dd>" in page
    assert "chance" not in page.split("Your stats and inventory")[1]  # a hidden variable stays hidden
    # A refused choice (posted anyway) changes nothing and says why.
    locked = Scene.objects.get(scenario=demo, title="Le feu de secours")
    choice = demo.choices.get(to_scene=locked, text="Allumer le feu de secours à la main")
    answer = client.post(reverse("reader:choose", args=[demo.slug]), {"choice": str(choice.pk)}, follow=True)
    assert "La lampe à pétrole est vide" in answer.content.decode()
    assert "La lanterne" in answer.content.decode()


def test_back_and_restart_keep_the_endings_found(client, demo):
    start(client, demo)
    play_path(client, demo, TO_THE_EMERGENCY_LIGHT)
    back = client.post(reverse("reader:back", args=[demo.slug]), follow=True).content.decode()
    assert '<h1 id="scene-title">La lanterne</h1>' in back
    client.post(reverse("reader:restart", args=[demo.slug]))
    page = client.get(reverse("reader:play", args=[demo.slug])).content.decode()
    assert "La tempête" in page and "Back</button>" not in page
    story_page = client.get(reverse("reader:story", args=[demo.slug])).content.decode()
    assert "You found 1 ending so far." in story_page and "Continue where you left off" in story_page


def test_htmx_gets_the_scene_alone_with_its_announcement(client, demo):
    start(client, demo)
    page = client.get(reverse("reader:play", args=[demo.slug])).content.decode()
    answer = client.post(
        reverse("reader:choose", args=[demo.slug]),
        {"choice": choices_on(page)["Monter réparer la lanterne"]},
        HTTP_HX_REQUEST="true",
    )
    body = answer.content.decode()
    assert answer.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<div id="announce"') and 'hx-swap-oob="true"' in body
    assert "L&#x27;escalier en colimaçon" in body

    refused = client.post(reverse("reader:choose", args=[demo.slug]), {"choice": "0" * 24}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    assert "That choice is no longer in this story" in refused.content.decode()


def test_the_story_page_is_a_card_when_shared(client, demo):
    page = client.get(reverse("reader:story", args=[demo.slug])).content.decode()
    assert '<meta property="og:title" content="Le Gardien du phare">' in page
    assert '<meta property="og:description" content="Une nuit de tempête' in page
    assert f'<meta property="og:url" content="http://testserver/read/{demo.slug}/">' in page


def test_the_api_continues_what_a_signed_in_player_played_in_the_reader(client, demo, player, gql):
    client.force_login(player)
    start(client, demo)
    play_path(client, demo, ["Monter réparer la lanterne"])
    progress = PlayerProgress.objects.get(user=player, scenario=demo)
    assert progress.current_scene.title == "L'escalier en colimaçon"
    veille = Scene.objects.get(scenario=demo, title="La chambre de veille")
    choice = demo.choices.get(to_scene=veille)
    answer = gql.as_user(player).data(
        "mutation($s: ID!, $c: ID!) { makeChoice(scenarioId: $s, choiceId: $c) { success message } }",
        {"s": str(demo.pk), "c": str(choice.pk)},
    )
    assert answer["makeChoice"]["success"] is True, answer
    page = client.get(reverse("reader:play", args=[demo.slug])).content.decode()
    assert "La chambre de veille" in page and "<dt>huile</dt><dd>1</dd>" in page


def scene_title(page: str) -> str:
    return re.search(r'<h1 id="scene-title">([^<]*)</h1>', page).group(1)


def test_a_story_whose_author_forbids_going_back_shows_no_back_and_refuses_a_back_post(client, demo):
    start(client, demo)
    page = play_path(client, demo, TO_THE_EMERGENCY_LIGHT[:1])
    assert "Back</button>" in page  # allowed by default, as stored stories always were
    here = scene_title(page)
    Scenario.objects.filter(pk=demo.pk).update(allow_back=False)
    page = client.get(reverse("reader:play", args=[demo.slug])).content.decode()
    assert "Back</button>" not in page and "Start again</button>" in page
    refused = client.post(reverse("reader:back", args=[demo.slug]), follow=True).content.decode()
    assert "The author of this story does not let players go back: every choice is final." in refused
    assert scene_title(refused) == here
    Scenario.objects.filter(pk=demo.pk).update(allow_back=True)
    back = client.post(reverse("reader:back", args=[demo.slug]), follow=True).content.decode()
    assert scene_title(back) != here and "La tempête" in back
