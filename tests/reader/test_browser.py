"""The reading site in Chromium: a guest plays to an ending by clicking (htmx swaps each scene in, focus moves to
its text, the live region announces it), the music's volume is remembered, every page passes axe-core with no
serious or critical violation, and 360 px screenshots of each page (for a person to look at, not committed)."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from story_admin.services.choices import create_choice
from story_admin.services.scenes import create_scene
from story_admin.services.stories import create_scenario, publish_scenario
from story_admin.models import Asset, AssetType, Scene
from tests.browsers import browser_page
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("READER_SCREENSHOTS", "/tmp/reader-screenshots"))
START, BACK = "form[action$='/start/'] button", "form[action$='/back/'] button"
TO_THE_EMERGENCY_LIGHT = [
    "Monter réparer la lanterne",
    "Pousser la porte de la chambre de veille",
    "Refermer le registre et monter",
    "Allumer le feu de secours à la main",
]

# htmx settles a swap a few milliseconds after it: focus moves then.
FOCUS_ON_THE_TEXT = "() => document.activeElement && document.activeElement.id === 'scene-text'"


def click_choice(page, label):
    page.click(f'#scene button.choice:text-is("{label}")')


def test_a_guest_plays_to_an_ending_with_javascript(page, demo):
    page.goto(reverse("reader:story", args=[demo.slug]))
    page.click("text=Start reading")
    page.wait_for_selector("#scene-title:has-text('La tempête')")
    page.evaluate("window.sameDocument = true")
    for label in TO_THE_EMERGENCY_LIGHT:
        title = page.inner_text("#scene-title")
        click_choice(page, label)
        page.wait_for_function("t => document.querySelector('#scene-title').innerText !== t", arg=title)
        page.wait_for_function(FOCUS_ON_THE_TEXT)
        assert page.inner_text("#announce") == page.inner_text("#scene-title") + (
            ". The end." if label == TO_THE_EMERGENCY_LIGHT[-1] else ""
        )
    assert page.evaluate("window.sameDocument") is True  # htmx swapped the scenes, no page was reloaded
    assert page.url.endswith(reverse("reader:play", args=[demo.slug]))
    assert "1 of 4 endings found" in page.inner_text(".ending")
    page.click("text=Back")
    page.wait_for_selector("#scene-title:has-text('La lanterne')")
    page.wait_for_function(FOCUS_ON_THE_TEXT)


def test_without_javascript_the_same_clicks_reach_the_ending(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto(reverse("reader:story", args=[demo.slug]))
    page.click("text=Start reading")
    for label in TO_THE_EMERGENCY_LIGHT:
        click_choice(page, label)
        page.wait_for_load_state()
    assert "1 of 4 endings found" in page.inner_text(".ending")
    context.close()


@pytest.fixture
def musical(author):
    """A published story whose two scenes play music."""
    story = create_scenario(author=author, title="Chanson", language="en")
    music = Asset.objects.create(
        type=AssetType.MUSIC,
        name="Sea shanty",
        url="/static/reader/missing-shanty.ogg",
        uploaded_by=author,
        scenario=story,
    )
    first = create_scene(editor=author, scenario=story, title="Verse", text="Sing.", is_start_scene=True)
    second = create_scene(editor=author, scenario=story, title="Chorus", text="Louder.", is_end_scene=True)
    Scene.objects.filter(scenario=story).update(music=music)
    create_choice(editor=author, from_scene=first, to_scene=second, text="Sing on")
    return publish_scenario(editor=author, scenario=story)


def test_the_music_volume_and_mute_are_remembered(page, musical):
    page.goto(reverse("reader:story", args=[musical.slug]))
    page.click("text=Start reading")
    page.wait_for_selector("[data-music-controls]:not([hidden])")
    assert page.get_attribute("audio[data-music]", "autoplay") is None
    page.fill("[data-music-volume]", "30")
    page.dispatch_event("[data-music-volume]", "input")
    page.click("text=Mute the music")
    click_choice(page, "Sing on")
    page.wait_for_selector("#scene-title:has-text('Chorus')")
    page.wait_for_selector("[data-music-controls]:not([hidden])")
    assert page.evaluate("document.querySelector('audio[data-music]').volume") == pytest.approx(0.3)
    assert page.evaluate("document.querySelector('audio[data-music]').muted") is True
    assert page.get_attribute("[data-music-mute]", "aria-pressed") == "true"
    page.reload()
    assert page.input_value("[data-music-volume]") == "30"


def reader_pages(live_server, demo, client_page):
    """Every reader page, as (name, path); playing and signing in on the way."""
    player = UserFactory()
    yield "library", reverse("reader:library")
    yield "library-empty-search", reverse("reader:library") + "?q=nothing+matches"
    yield "story", reverse("reader:story", args=[demo.slug])
    yield "signup", reverse("reader:signup")
    yield "signin", reverse("reader:signin")
    yield "password-reset", reverse("reader:password_reset")
    yield "password-reset-sent", reverse("reader:password_reset_done")
    yield "password-reset-bad-link", reverse("reader:password_reset_confirm", args=["MQ", "set-password"])
    yield "password-reset-complete", reverse("reader:password_reset_complete")
    client_page.goto(reverse("reader:signin"))
    client_page.fill("input[name=email]", player.email)
    client_page.fill("input[name=password]", PASSWORD)
    client_page.click("main button[type=submit]")
    client_page.wait_for_url("**/account/")
    client_page.goto(reverse("reader:story", args=[demo.slug]))
    client_page.click(START)
    client_page.wait_for_selector("#scene-title")
    yield "play-start", reverse("reader:play", args=[demo.slug])
    for label in ["Monter réparer la lanterne", "Continuer jusqu'à la lanterne"]:
        click_choice(client_page, label)
        client_page.wait_for_load_state("networkidle")
    yield "play-locked-choice-and-state", reverse("reader:play", args=[demo.slug])
    client_page.click(BACK)
    client_page.wait_for_selector("#scene-title:has-text('escalier')")
    for label in [
        "Pousser la porte de la chambre de veille",
        "Refermer le registre et monter",
        "Allumer le feu de secours à la main",
    ]:
        click_choice(client_page, label)
        client_page.wait_for_load_state("networkidle")
        client_page.wait_for_timeout(200)
    yield "play-ending", reverse("reader:play", args=[demo.slug])
    yield "my-stories", reverse("reader:my_stories")
    yield "delete-account", reverse("reader:delete_account")


@pytest.mark.parametrize("language, width", [("en", 360), ("fr", 360), ("en", 1400)])
def test_every_reader_page_passes_axe_and_is_shot_at_its_width(browser, live_server, demo, language, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    axe, problems = Axe(), {}
    with browser_page(
        browser, live_server.url, width=width, height=900 if width > 400 else 740, locale=language
    ) as page:
        for name, path in reader_pages(live_server, demo, page):
            if not page.url.endswith(path):
                page.goto(path)
            page.wait_for_load_state("networkidle")
            violations = axe.run(page).response["violations"]
            serious = [
                f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']][:3]}"
                for violation in violations
                if violation["impact"] in ("serious", "critical")
            ]
            if serious:
                problems[name] = serious
            if width == 360:
                assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{name} scrolls sideways"
            assert page.get_attribute("html", "lang") == language
            page.screenshot(path=str(SHOTS / f"{name}-{language}-{width}.png"), full_page=True)
    assert problems == {}


def test_a_stale_choice_is_refused_in_place_with_the_reason(page, demo):
    page.goto(reverse("reader:story", args=[demo.slug]))
    page.click(START)
    page.wait_for_selector("#scene-title:has-text('La tempête')")
    other_tab = page.context.new_page()  # the same guest (session) in another tab moves on
    other_tab.goto(reverse("reader:play", args=[demo.slug]))
    click_choice(other_tab, "Monter réparer la lanterne")
    other_tab.wait_for_selector("#scene-title:has-text('escalier')")
    other_tab.close()

    click_choice(page, "Descendre vers la lueur de la crique")
    page.wait_for_selector("#scene .message.error")
    assert "does not belong to the player's current scene" in page.inner_text("#scene .message.error")
    assert page.inner_text("#scene-title") == "L'escalier en colimaçon"  # where the player really is
    assert "does not belong" in page.inner_text("#announce")
