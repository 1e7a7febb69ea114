"""The studio in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) on a live server."""

import warnings
from pathlib import Path

import django_rq
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from rq import SimpleWorker

from tests.factories import PASSWORD, AuthorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
ADD_CHOICE = ".scene-panel form[action$='/choices/']"


def shoot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def sign_in(page, author):
    page.goto("/signin/")
    page.fill("input[name=email]", author.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def open_scene(page, title):
    """Open a scene's panel from the map, as the keyboard does: the map's scene links, Enter.

    Waits for the panel. Once, in a clean-clone CI run, the panel never came after Enter pressed right after an
    edit, while the map redrew its outline (not reproduced since, idle or under load); an author would press
    Enter again, and so does this helper, once, with a warning in the test's output."""
    link, heading = f"#map-scenes a:has-text('{title}')", f".scene-panel h2:has-text('{title}')"
    for attempt in range(2):
        page.wait_for_selector(link, state="attached")
        page.focus(link)
        page.keyboard.press("Enter")
        try:
            page.wait_for_selector(heading, timeout=7000 if attempt == 0 else 30000)
            return
        except PlaywrightTimeoutError:
            if attempt:
                raise
            warnings.warn(f"the panel of “{title}” did not open after Enter; pressing Enter again", stacklevel=2)


def add_scene(page, title):
    page.click("text=Add a scene")
    page.wait_for_selector(".scene-panel")
    page.fill(".scene-panel input[name=title]", title)
    page.click("text=Save the scene")
    page.wait_for_selector(f".scene-panel h2:has-text('{title}')")


def test_an_author_writes_plays_and_undoes(page, rq_redis, settings):
    settings.TTS_PROVIDER = "espeak"
    author = AuthorFactory()
    sign_in(page, author)
    page.fill("input[name=title]", "Le puits")
    page.click("form[action='/stories/new/'] button")
    page.wait_for_selector("text=has no scene yet")

    for title in ("Margelle", "Fond", "Lumière"):
        add_scene(page, title)
    story_url = page.url.split("/scenes/")[0] + "/"

    # The start scene is a dead end until it gets a choice; the problem goes once it has one.
    open_scene(page, "Margelle")
    assert page.locator("#problems").inner_text().count("“Margelle” is a dead end") == 1
    page.get_by_label("New choice", exact=True).fill("Descendre -> Fond")
    page.keyboard.press("Enter")
    page.wait_for_selector(".choices input[value='Descendre']")
    # The problems list is fetched again after the edit (story-changed): wait for it.
    expect(page.locator("#problems")).not_to_contain_text("“Margelle” is a dead end")

    open_scene(page, "Fond")
    page.click("text=Add a choice to a scene picked from the list")
    page.fill(f"{ADD_CHOICE} input[name=to_scene]", "Lumière")
    page.fill(f"{ADD_CHOICE} input[name=text]", "Remonter vers la lumière")
    page.click("text=Add the choice")
    page.wait_for_selector(".choices input[value='Remonter vers la lumière']")
    open_scene(page, "Lumière")
    page.fill(".scene-panel textarea[name=text]", "Le jour, enfin.")
    page.get_by_label("Ending", exact=True).select_option(label="Happy ending")
    page.click("text=Save the scene")
    page.wait_for_selector("text=None: every scene can be reached")

    # Dragging, zoom and links on the map: tests/studio/test_map.py.
    page.goto(story_url)
    page.wait_for_selector("#map[data-ready=true]")
    shoot(page, "story-map")

    # Narration made by a real worker with espeak-ng, then playable in the panel.
    open_scene(page, "Margelle")
    page.click("text=Media: image, narration, music")
    page.click("text=Generate narration")
    page.wait_for_selector("text=Queued")
    SimpleWorker([django_rq.get_queue("sound")], connection=django_rq.get_connection("sound")).work(burst=True)
    audio = page.wait_for_selector("audio[aria-label^='Narration']")
    source = audio.get_attribute("src")
    assert page.request.get(source, headers={"Range": "bytes=0-3"}).body() == b"RIFF"

    # Play-test to the ending.
    page.goto(story_url + "play/")
    page.click("text=Descendre")
    page.click("text=Remonter vers la lumière")
    assert "The end" in page.locator(".ending").inner_text()
    shoot(page, "play-test")

    # Delete a scene, then undo it.
    page.goto(story_url)
    open_scene(page, "Lumière")
    page.click("text=Delete this scene")
    page.wait_for_selector("text=“Lumière” deleted with its choices.")
    page.wait_for_selector("#map[data-ready=true]")
    assert page.locator("#map-scenes a:has-text('Lumière')").count() == 0
    page.click("#history button:has-text('Undo: delete “Lumière”')")
    page.wait_for_selector("#map-scenes a:has-text('Lumière')", state="attached")
    expect(page.locator("#problems")).to_contain_text("None: every scene can be reached")
