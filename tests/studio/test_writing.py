"""Writing in the studio without friction (issue 15): autosave, errors in place, a scene and its link in one field."""

import time

import pytest
from django.urls import reverse

from story_admin.models import Choice, Scene
from tests.browsers import wait_until
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def well_page(author_page):
    page, author = author_page
    story = ScenarioFactory(author=author, title="The well")
    rim = SceneFactory(scenario=story, title="Rim", text="Cold stone.", is_start_scene=True, order=0)
    bottom = SceneFactory(scenario=story, title="Bottom", text="Dark water.", order=1, position_x=300)
    return page, story, rim, bottom


def open_panel(page, story, scene):
    page.goto(reverse("studio:scene", args=[story.pk, scene.pk]))
    page.wait_for_selector("#map[data-ready=true]")


def eventually(check, tries=100):
    """Poll the database until `check()` holds (a save sent as a page goes lands a moment later)."""
    for _ in range(tries):
        if check():
            return
        time.sleep(0.1)
    assert check()


def status(page):
    return page.locator("#autosave-status")


def test_typed_text_survives_selecting_another_scene_and_a_reload(well_page):
    page, story, rim, bottom = well_page
    open_panel(page, story, rim)
    text = page.get_by_label("Scene text", exact=True)
    text.fill("Cold stone. A rope hangs into the dark.")
    # Another scene opened at once, before the autosave delay: the text is saved first.
    page.focus("#map-scenes a:has-text('Bottom')")
    page.keyboard.press("Enter")
    page.wait_for_selector(".scene-panel h2:has-text('Bottom')")
    assert Scene.objects.get(pk=rim.pk).text == "Cold stone. A rope hangs into the dark."

    page.get_by_label("Scene title", exact=True).fill("Bottom of the well")
    wait_until(page, "document.getElementById('autosave-status').textContent === 'Saved.'")
    assert page.locator("#scene-title").inner_text() == "Bottom of the well"
    page.get_by_label("Scene text", exact=True).fill("Dark water, and a key.")
    page.reload()  # left before the delay: saved as the page goes (a request that outlives the page)
    eventually(lambda: Scene.objects.get(pk=bottom.pk).text == "Dark water, and a key.")
    page.reload()
    assert page.get_by_label("Scene text", exact=True).input_value() == "Dark water, and a key."
    assert page.get_by_label("Scene title", exact=True).input_value() == "Bottom of the well"


def test_the_ending_and_start_picked_are_saved_without_the_save_button(well_page):
    page, story, rim, bottom = well_page
    open_panel(page, story, bottom)
    page.get_by_label("Ending", exact=True).select_option(label="Tragic ending")
    page.get_by_label("Start of the story", exact=True).check()
    # Another scene opened at once: nothing was clicked but the controls, and both are kept.
    page.focus("#map-scenes a:has-text('Rim')")
    page.keyboard.press("Enter")
    page.wait_for_selector(".scene-panel h2:has-text('Rim')")
    eventually(lambda: Scene.objects.get(pk=bottom.pk).ending_kind == "tragic")
    assert page.get_by_label("Start of the story", exact=True).is_checked() is False  # the start moved to Bottom
    open_panel(page, story, bottom)
    assert page.get_by_label("Ending", exact=True).input_value() == "tragic"
    assert page.get_by_label("Start of the story", exact=True).is_checked()
    bottom.refresh_from_db()
    assert (bottom.is_end_scene, bottom.is_start_scene, Scene.objects.get(pk=rim.pk).is_start_scene) == (
        True,
        True,
        False,
    )
    # Typing after picking "Not an ending" saves both, whatever comes first.
    page.get_by_label("Ending", exact=True).select_option(label="Not an ending")
    page.get_by_label("Scene text", exact=True).fill("Dark water, and nothing more.")
    wait_until(page, "document.getElementById('autosave-status').textContent === 'Saved.'")
    eventually(lambda: Scene.objects.get(pk=bottom.pk).text == "Dark water, and nothing more.")
    assert Scene.objects.get(pk=bottom.pk).is_end_scene is False


def test_two_pages_on_one_scene_show_the_conflict_and_keep_mine(well_page):
    page, story, rim, _ = well_page
    other = page.context.new_page()
    open_panel(page, story, rim)
    open_panel(other, story, rim)
    page.get_by_label("Scene text", exact=True).fill("Written in the first tab.")
    wait_until(page, "document.getElementById('autosave-status').textContent === 'Saved.'")

    other.get_by_label("Scene text", exact=True).fill("Written in the second tab, much longer.")
    other.wait_for_selector("#autosave-conflict:not([hidden])")
    assert "saved elsewhere" in status(other).inner_text()
    assert other.locator("[data-theirs=text]").inner_text() == "Written in the first tab."
    assert Scene.objects.get(pk=rim.pk).text == "Written in the first tab."
    other.click("text=Keep mine")
    wait_until(other, "document.getElementById('autosave-status').textContent === 'Saved.'")
    assert other.locator("#autosave-conflict").is_hidden()
    assert Scene.objects.get(pk=rim.pk).text == "Written in the second tab, much longer."
    other.close()


def test_keeping_the_other_version_takes_it_into_the_fields(well_page):
    page, story, rim, _ = well_page
    other = page.context.new_page()
    open_panel(page, story, rim)
    open_panel(other, story, rim)
    page.get_by_label("Scene text", exact=True).fill("The first tab's text.")
    wait_until(page, "document.getElementById('autosave-status').textContent === 'Saved.'")
    other.get_by_label("Scene text", exact=True).fill("Second.")
    other.wait_for_selector("#autosave-conflict:not([hidden])")
    other.click("text=Keep the other version")
    assert other.get_by_label("Scene text", exact=True).input_value() == "The first tab's text."
    assert Scene.objects.get(pk=rim.pk).text == "The first tab's text."
    other.close()


@pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"])
def test_refusals_show_in_place_with_debug_on_and_off(well_page, settings, debug):
    settings.DEBUG = debug
    page, story, rim, _ = well_page
    open_panel(page, story, rim)
    assert (page.locator("script[src*='django-htmx.js']").count() == 1) is debug

    # An empty title: the message beside the field, tied to it; the form as typed; nothing else changes.
    page.get_by_label("Scene text", exact=True).fill("Keep this paragraph.")
    page.get_by_label("Scene title", exact=True).fill("")
    page.click("#save-scene")
    # The panel as the server answered the refused form (autosave may have flagged the field a moment before).
    wait_until(page, "document.getElementById('id_title_error')?.textContent === 'This field is required.'")
    title = page.get_by_label("Scene title", exact=True)
    assert title.get_attribute("aria-invalid") == "true"
    message = page.locator(f"#{title.get_attribute('aria-describedby').split()[0]}")
    assert message.inner_text() == "This field is required."
    assert page.get_by_label("Scene text", exact=True).input_value() == "Keep this paragraph."
    assert page.locator("#map").count() == 1 and page.locator("header.topbar").count() == 1
    assert Scene.objects.get(pk=rim.pk).title == "Rim"

    # A choice without its words (the New choice field) and a choice without its target.
    field = page.get_by_label("New choice", exact=True)
    field.fill(" -> Bottom")
    field.press("Enter")
    page.wait_for_selector("#new_choice[aria-invalid=true]")
    assert "Before -> write the words" in page.locator("#new_choice_error").inner_text()
    assert page.get_by_label("New choice", exact=True).input_value() == " -> Bottom"

    # A file that is not an image.
    page.click("text=Media: image, narration, music")
    page.set_input_files(
        "input[aria-label='Upload image']",
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"just text"}],
    )
    page.click(".media-slot:has-text('Image') button:has-text('Upload')")
    page.wait_for_selector("#media .error, #media .message.error")
    assert "not an image" in page.locator("#media").inner_text()
    assert page.locator("#map").count() == 1
    assert not Choice.objects.filter(scenario=story).exists()


def test_a_scene_and_its_link_in_one_field_and_enter(well_page):
    page, story, rim, bottom = well_page
    open_panel(page, story, rim)
    clicks = keys = 0
    field = page.get_by_label("New choice", exact=True)
    field.click()
    clicks += 1
    typed = "Open the door -> The cellar"
    page.keyboard.type(typed)
    keys += len(typed)
    page.keyboard.press("Enter")
    keys += 1
    page.wait_for_selector(".choices input[value='Open the door']")
    cellar = Scene.objects.get(scenario=story, title="The cellar")
    assert Choice.objects.get(from_scene=rim, text="Open the door").to_scene_id == cellar.pk
    assert cellar.position_x > rim.position_x
    # The current scene stays open, the field is empty and keeps the focus, the confirmation is beside it.
    assert page.locator("#scene-title").inner_text() == "Rim"
    assert page.evaluate("document.activeElement.id") == "new_choice"
    assert page.get_by_label("New choice", exact=True).input_value() == ""
    assert "New scene “The cellar” added" in page.locator("#new-choice-form").inner_text()
    wait_until(page, "document.getElementById('panel-announcer').textContent.includes('The cellar')")
    print(f"\nadd a scene and link it from the current one: {clicks} click, {keys} keys")  # noqa: T201
    assert (clicks, keys) == (1, len(typed) + 1)

    # An existing title links to it (case aside), no new scene.
    page.keyboard.type("Climb down -> bottom")
    page.keyboard.press("Enter")
    page.wait_for_selector(".choices input[value='Climb down']")
    assert Choice.objects.get(from_scene=rim, text="Climb down").to_scene_id == bottom.pk
    assert Scene.objects.filter(scenario=story).count() == 3
    page.wait_for_selector("#map-scenes a:has-text('The cellar')", state="attached")


def test_twine_links_in_the_text_become_choices_when_it_is_saved(well_page):
    page, story, rim, bottom = well_page
    open_panel(page, story, rim)
    text = page.get_by_label("Scene text", exact=True)
    text.fill("You can [[climb down->Bottom]] or stay.\n[[The attic<-Look up]]\n[[Rest]]")
    wait_until(page, "document.getElementById('autosave-status').textContent.includes('3 choices added')")
    assert text.input_value() == "You can climb down or stay."
    choices = {choice.text: choice.to_scene.title for choice in Choice.objects.filter(from_scene=rim)}
    assert choices == {"climb down": "Bottom", "Look up": "The attic", "Rest": "Rest"}
    page.wait_for_selector(".choices input[value='Look up']")
    assert Scene.objects.get(pk=rim.pk).text == "You can climb down or stay."


def test_the_target_picker_searches_the_titles(well_page):
    page, story, rim, _ = well_page
    for number in range(40):
        SceneFactory(scenario=story, title=f"Room {number:02}", order=number + 2)
    open_panel(page, story, rim)
    page.click("text=Add a choice to a scene picked from the list")
    picker = page.get_by_label("Leads to", exact=True)
    picker.fill("Room 3")
    wait_until(page, "document.querySelectorAll('#scene-options option').length === 10")
    assert page.locator("#scene-options option").first.get_attribute("value") == "Room 30"
    picker.fill("Room 31")
    page.get_by_label("Label", exact=True).fill("Go to 31")
    page.click("#add-choice")
    page.wait_for_selector(".choices input[value='Go to 31']")
    assert Choice.objects.get(from_scene=rim).to_scene.title == "Room 31"
    assert page.evaluate("document.activeElement.id") == "add-choice"


def test_one_ending_control_and_a_drawer_that_escape_closes(well_page):
    page, story, rim, bottom = well_page
    page.set_viewport_size({"width": 800, "height": 900})
    open_panel(page, story, bottom)
    ending = page.get_by_label("Ending", exact=True)
    assert page.locator("input[name=is_end_scene]").count() == 0
    ending.select_option(label="Tragic ending")
    page.click("#save-scene")
    page.wait_for_selector(".save-row:has-text('“Bottom” saved.')")
    assert page.evaluate("document.activeElement.id") == "save-scene"
    scene = Scene.objects.get(pk=bottom.pk)
    assert (scene.is_end_scene, scene.ending_kind) == (True, "tragic")
    panel = page.locator("#panel").bounding_box()
    assert panel["x"] + panel["width"] == pytest.approx(800, abs=20)  # over the map, at the right edge
    assert page.evaluate("getComputedStyle(document.getElementById('panel')).position") == "fixed"
    page.keyboard.press("Escape")
    page.wait_for_selector("[data-scene-panel]", state="detached")
    assert page.url.endswith(reverse("studio:story", args=[story.pk]))
