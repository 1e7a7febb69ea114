"""Undo, redo and find-and-replace in headless Chromium on a live server: the journal outlives a reload."""

import pytest
from playwright.sync_api import expect

from story_admin.services.layout import move_scene
from story_admin.services.scenes import update_scene
from story_admin.models import Choice, Scene
from tests.factories import PASSWORD, AuthorFactory, ScenarioFactory, SceneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def author_story(page):
    author = AuthorFactory()
    story = ScenarioFactory(author=author, title="Le phare")
    start = SceneFactory(scenario=story, title="Start", text="The lighthouse door.", is_start_scene=True)
    cove = SceneFactory(scenario=story, title="La crique", text="A boat by the door.", position_x=300)
    Choice.objects.create(scenario=story, from_scene=start, to_scene=cove, text="Open the door")
    page.goto("/signin/")
    page.fill("input[name=email]", author.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return author, story, cove


def undo_button(page):
    return page.locator("#history [data-history=undo]")


def redo_button(page):
    return page.locator("#history [data-history=redo]")


def test_rename_and_move_are_undone_and_redone_after_a_reload(page, author_story):
    author, story, cove = author_story
    update_scene(editor=author, scene=cove, title="The cove")
    move_scene(editor=author, scene=Scene.objects.get(pk=cove.pk), x=900, y=400)
    page.goto(f"/stories/{story.pk}/")
    page.reload()  # the steps are the server's, not the page's
    assert undo_button(page).inner_text() == "Undo: move “The cove”"
    assert redo_button(page).is_disabled() and redo_button(page).inner_text() == "Nothing to redo"

    undo_button(page).click()
    page.wait_for_selector("#history [data-history=undo]:has-text('Undo: rename “La crique”')")
    assert (Scene.objects.get(pk=cove.pk).position_x, Scene.objects.get(pk=cove.pk).position_y) == (300, 0)
    assert redo_button(page).inner_text() == "Redo: move “The cove”"
    # No wait for the page to be quiet: the buttons are fetched once more after an undo, and a Ctrl+Z sent while
    # that fetch is in flight waits for it (history.js), or its answer would be lost on the page.

    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    page.wait_for_selector("#map-scenes a:has-text('La crique')", state="attached")
    assert Scene.objects.get(pk=cove.pk).title == "La crique"
    assert undo_button(page).is_disabled()

    page.reload()
    assert redo_button(page).inner_text() == "Redo: rename “La crique”"
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+Shift+Z")
    page.wait_for_selector("#map-scenes a:has-text('The cove')", state="attached")
    page.keyboard.press("Control+y")
    page.wait_for_selector("#history [data-history=undo]:has-text('Undo: move “The cove”')")
    assert Scene.objects.get(pk=cove.pk).position_x == 900


def test_ctrl_z_in_a_text_field_is_the_browsers_own(page, author_story):
    author, story, cove = author_story
    update_scene(editor=author, scene=cove, title="The cove")
    page.goto(f"/stories/{story.pk}/")
    page.fill("input[name=q]", "typed")
    page.focus("input[name=q]")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.keyboard.press("Control+z")
    # The browser's own undo has emptied the field: the key press is handled, and no request went out with it.
    page.wait_for_function("document.querySelector('input[name=q]').value === ''")
    assert posts == []
    assert Scene.objects.get(pk=cove.pk).title == "The cove"
    assert undo_button(page).inner_text() == "Undo: rename “La crique”"


def test_find_and_replace_with_a_preview_then_undo(page, author_story):
    author, story, cove = author_story
    page.goto(f"/stories/{story.pk}/")
    page.click("#history a:has-text('Find and replace')")
    page.fill("input[name=find]", "door")
    page.fill("input[name=replacement]", "gate")
    page.click("button:has-text('Preview')")
    items = page.locator(".occurrences li")
    expect(items).to_have_count(3)  # the preview is a page load: wait for it, not a count taken at once
    first = items.nth(0)
    assert first.inner_text() == "Scene text of Start: …The lighthouse doorgate.…"  # struck out, then inserted
    assert first.locator("del").inner_text() == "door" and first.locator("ins").inner_text() == "gate"
    assert "Choice label of Start" in page.locator(".occurrences").inner_text()
    page.check("input[name=case_sensitive]")
    page.fill("input[name=find]", "Door")
    page.click("button:has-text('Preview')")
    expect(page.locator("main")).to_contain_text("Nothing matches.")
    assert page.locator(".occurrences li").count() == 0
    page.uncheck("input[name=case_sensitive]")
    page.click("button:has-text('Preview')")
    page.click("button:has-text('Replace all 3')")
    page.wait_for_selector("text=Replaced 3 occurrences of “Door”.")
    assert Scene.objects.get(pk=cove.pk).text == "A boat by the gate."
    assert undo_button(page).inner_text() == "Undo: replace “Door” with “gate”"
    undo_button(page).click()
    page.wait_for_selector("#history [data-history=redo]:has-text('Redo: replace')")
    assert Scene.objects.get(pk=cove.pk).text == "A boat by the door."
    assert Choice.objects.get(scenario=story).text == "Open the door"


def test_an_undo_shows_the_open_scene_as_it_now_is_and_closes_it_once_gone(page, author_story):
    author, story, cove = author_story
    page.goto(f"/stories/{story.pk}/scenes/{cove.pk}/")
    page.wait_for_selector("#map[data-ready=true]")
    ending = page.get_by_label("Ending", exact=True)
    ending.select_option(label="Tragic ending")  # saved as picked
    page.wait_for_selector("#history [data-history=undo]:has-text('ending')")
    undo_button(page).click()
    # The panel is fetched again: its Ending says what the scene now is (Save there would not apply the undone step).
    expect(page.get_by_label("Ending", exact=True)).to_have_value("")
    assert Scene.objects.get(pk=cove.pk).is_end_scene is False

    page.click("text=Add a scene")  # a new scene, its panel open
    page.wait_for_selector("#panel .scene-panel h2:has-text('New scene')")
    page.wait_for_selector("#history [data-history=undo]:has-text('New scene')")
    undo_button(page).click()  # the scene is gone: so is its panel
    page.wait_for_selector("#panel [data-scene-panel]", state="detached")
    assert not Scene.objects.filter(scenario=story, title="New scene").exists()
    page.wait_for_url(f"**/stories/{story.pk}/")
