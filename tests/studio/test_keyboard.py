"""The map page by keyboard alone (shortcuts, the `?` list) and its search, in headless Chromium on a live server."""

import pytest

from story_admin.models import Choice, Scene
from tests.browsers import wait_until
from tests.factories import PASSWORD, ChoiceFactory, ScenarioFactory, SceneFactory
from tests.processes import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, author):
    page.goto("/signin/")
    page.fill("input[name=email]", author.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent")


def test_a_three_scene_story_made_moved_and_listed_by_keyboard_alone(author_page):
    page, author = author_page
    story = ScenarioFactory(author=author, title="The shore")
    page.goto(f"/stories/{story.pk}/")
    page.wait_for_selector("#map[data-ready=true]")

    page.keyboard.press("n")  # a new scene, its panel open
    page.wait_for_selector("#panel .scene-panel h2:has-text('New scene')")
    page.keyboard.press("c")  # its "New choice" field
    assert focused(page) == "new_choice"
    page.keyboard.type("Walk on -> The dunes")
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel [data-notice]:has-text('New scene “The dunes” added')")

    page.keyboard.press("Escape")  # the panel closes, the focus goes to the map
    page.wait_for_selector("#panel .scene-panel", state="detached")
    wait_until(page, "document.activeElement.id === 'map'")
    page.keyboard.press("Tab")  # the map's list of scenes: the first one
    page.keyboard.press("ArrowRight")  # along its choice
    assert focused(page).startswith("The dunes")
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .scene-panel h2:has-text('The dunes')")
    page.keyboard.press("c")
    page.keyboard.type("Dig -> The buried chest")
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel [data-notice]:has-text('New scene “The buried chest” added')")
    links = {(choice.from_scene.title, choice.to_scene.title) for choice in Choice.objects.filter(scenario=story)}
    assert links == {("New scene", "The dunes"), ("The dunes", "The buried chest")}

    # Shift+arrow moves the focused scene by one grid step, saved (one step of the history); Ctrl+Z puts it back.
    page.keyboard.press("Escape")
    page.wait_for_selector("#panel .scene-panel", state="detached")
    wait_until(page, "document.activeElement.id === 'map'")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")
    dunes = Scene.objects.get(scenario=story, title="The dunes")
    page.keyboard.press("Shift+ArrowDown")
    page.wait_for_selector("#map-status:has-text('Moved “The dunes”')")
    wait_until(page, "document.querySelector('#history [data-history=undo]').textContent.includes('move')")
    assert Scene.objects.get(pk=dunes.pk).position_y == dunes.position_y + 40
    assert focused(page).startswith("The dunes")  # the focus stays on the scene moved
    page.keyboard.press("Control+z")
    page.wait_for_selector("#history [data-history=redo]:has-text('Redo: move')")
    assert Scene.objects.get(pk=dunes.pk).position_y == dunes.position_y

    # `?` lists the shortcuts in a modal dialog: the focus inside, kept there, Escape closes, the focus comes back.
    page.wait_for_selector("#map-scenes a:has-text('The dunes')", state="attached")
    page.focus("#map-scenes a:has-text('The dunes')")
    page.keyboard.press("?")
    page.wait_for_selector("dialog#shortcuts[open]")
    assert focused(page) == "shortcuts-close"
    assert "Move the selected scene by one grid step" in page.inner_text("dialog#shortcuts")
    for _ in range(3):
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('shortcuts').contains(document.activeElement)")
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog#shortcuts:not([open])", state="attached")
    # The dialog's `close` event (which puts the focus back) comes in a task after its `open` is gone.
    wait_until(page, "(document.activeElement.textContent || '').startsWith('The dunes')")
    assert focused(page).startswith("The dunes")
    assert Scene.objects.filter(scenario=story).count() == 3


def test_a_key_pressed_the_moment_a_panel_is_shown_is_handled_by_the_studio(author_page):
    """A panel's links and forms work as soon as it is on the page: a key pressed before htmx had readied them
    (a busy machine handles input first) used to follow the plain link, and the browser left the map."""
    page, author = author_page
    story = ScenarioFactory(author=author, title="The shore")
    SceneFactory(scenario=story, title="The dunes")
    page.goto(f"/stories/{story.pk}/")
    page.wait_for_selector("#map[data-ready=true]")
    # As soon as the panel is swapped in (the next task: before any settle timer), Escape as an author would.
    page.evaluate("""() => {
      window.stillTheSamePage = true;
      document.body.addEventListener("htmx:afterSwap", (event) => {
        if (window.escapeSent || !document.querySelector("#panel [data-scene-panel]")) return;
        window.escapeSent = true;
        setTimeout(() => document.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", bubbles: true})), 0);
      });
    }""")
    page.focus("#map-scenes a:has-text('The dunes')")
    page.keyboard.press("Enter")
    wait_until(page, "window.escapeSent === true || document.readyState !== 'complete'")
    page.wait_for_selector("#panel .scene-panel", state="detached")
    wait_until(page, "document.readyState === 'complete' && !!document.querySelector('#map[data-ready=true]')")
    assert page.evaluate("window.stillTheSamePage") is True, "the browser left the map page"
    assert page.url.endswith(f"/stories/{story.pk}/")


def test_shortcuts_never_fire_while_typing(author_page):
    page, author = author_page
    story = ScenarioFactory(author=author, title="Quiet")
    SceneFactory(scenario=story, title="Only")
    page.goto(f"/stories/{story.pk}/")
    page.wait_for_selector("#map[data-ready=true]")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("n?e")
    page.wait_for_timeout(300)
    assert page.evaluate("document.getElementById('shortcuts').open") is False
    assert Scene.objects.filter(scenario=story).count() == 1
    assert page.input_value("[data-map-search] input[name=q]") == "n?e"


def test_e_opens_the_focused_scene_at_its_text_and_delete_removes_it_undoably(author_page):
    page, author = author_page
    story = ScenarioFactory(author=author, title="Two rooms")
    hall = SceneFactory(scenario=story, title="Hall", is_start_scene=True, position_x=0, position_y=0)
    attic = SceneFactory(scenario=story, title="Attic", position_x=300, position_y=0)
    ChoiceFactory(from_scene=hall, to_scene=attic, text="Up")
    page.goto(f"/stories/{story.pk}/")
    page.wait_for_selector("#map[data-ready=true]")
    page.focus("#map-scenes a:has-text('Attic')")
    page.keyboard.press("e")
    page.wait_for_selector("#panel .scene-panel h2:has-text('Attic')")
    wait_until(page, "document.activeElement.id === 'id_text'")
    assert page.url.endswith(f"/scenes/{attic.pk}/")

    page.locator("#panel h2").click()  # out of the field: Delete is a shortcut again
    page.keyboard.press("Delete")
    page.wait_for_selector("#messages:has-text('“Attic” deleted with its choices')")
    assert not Scene.objects.filter(pk=attic.pk).exists()
    page.keyboard.press("Control+z")
    page.wait_for_selector("#history [data-history=redo]:not([disabled])")
    wait_until(page, "document.getElementById('map').dataset.scenes === '2'")
    assert Scene.objects.filter(scenario=story, title="Attic").exists()


@pytest.fixture
def lighthouse(author):
    story = ScenarioFactory(author=author, title="The lighthouse")
    door = SceneFactory(scenario=story, title="The door", text="It creaks.", position_x=0, position_y=0, order=0)
    stairs = SceneFactory(
        scenario=story, title="The stairs", text="A lantern hangs here.", position_x=300, position_y=0, order=1
    )
    top = SceneFactory(scenario=story, title="The top", text="Wind.", position_x=1800, position_y=900, order=2)
    SceneFactory(scenario=story, title="The Lantern room", text="", position_x=600, position_y=0, order=3)
    ChoiceFactory(from_scene=door, to_scene=stairs, text="Go in")
    ChoiceFactory(from_scene=stairs, to_scene=top, text="Climb")
    ChoiceFactory(from_scene=top, to_scene=door, text="Back down past the LANTERN")
    return story


def classes(page, title) -> list:
    return page.evaluate("(title) => window.storyMap.nodes().filter((n) => n.data('title') === title).classes()", title)


def test_search_highlights_matching_scenes_and_enter_goes_to_each(page, author, lighthouse):
    sign_in(page, author)
    page.goto(f"/stories/{lighthouse.pk}/")
    page.wait_for_selector("#map[data-ready=true]")
    requests = []
    page.on("request", lambda request: requests.append(request.url) if request.resource_type == "document" else None)
    page.fill("[data-map-search] input[name=q]", "lantern")
    wait_until(page, "document.getElementById('map').dataset.matches === '3'")
    # The text of "The stairs", a choice label leaving "The top", the title of "The Lantern room"; the rest dimmed.
    assert all("match" in classes(page, title) for title in ("The stairs", "The top", "The Lantern room"))
    assert "dimmed" in classes(page, "The door") and "match" not in classes(page, "The door")
    assert page.inner_text("#map-status") == "3 scenes match: Enter goes to each in turn, Escape clears."

    page.press("[data-map-search] input[name=q]", "Enter")
    page.press("[data-map-search] input[name=q]", "Enter")
    page.wait_for_selector("#map-status:has-text('Match 2 of 3')")
    assert page.evaluate("window.storyMap.$('node:selected').data('title')") == "The top"
    centre = page.evaluate(
        """() => { const box = window.storyMap.$('node:selected').renderedBoundingBox();
                   return [(box.x1 + box.x2) / 2 - window.storyMap.width() / 2,
                           (box.y1 + box.y2) / 2 - window.storyMap.height() / 2]; }"""
    )
    assert abs(centre[0]) < 2 and abs(centre[1]) < 2
    page.press("[data-map-search] input[name=q]", "Shift+Enter")
    page.wait_for_selector("#map-status:has-text('Match 1 of 3: “The stairs”')")

    page.press("[data-map-search] input[name=q]", "Escape")
    wait_until(page, "document.getElementById('map').dataset.matches === ''")
    assert "dimmed" not in classes(page, "The door") and "match" not in classes(page, "The stairs")
    assert page.input_value("[data-map-search] input[name=q]") == ""
    assert requests == []  # no page was loaded again

    page.fill("[data-map-search] input[name=q]", "no such words")
    page.wait_for_selector("#map-status:has-text('No scene matches “no such words”')")


def test_narrate_every_scene_from_the_settings_with_one_progress_bar(page, author, rq_redis, settings):
    settings.TTS_PROVIDER = "espeak"
    story = ScenarioFactory(author=author, title="Le phare", language="fr")
    for order, text in enumerate(("La porte grince.", "Les marches montent.", "Le vent.")):
        SceneFactory(scenario=story, title=f"Scène {order}", text=text, order=order)
    sign_in(page, author)
    page.goto(f"/stories/{story.pk}/settings/")
    assert page.inner_text("#narration-count") == "0 of 3 scenes narrated"
    page.click("#narrate-all")
    page.wait_for_selector("#narration-notice:has-text('3 scenes queued for narration.')")
    assert page.inner_text("#narration-count") == "0 of 3 scenes narrated · 3 on their way"
    page.click("#narrate-all")  # clicked again while they wait: nothing queued twice
    page.wait_for_selector("#narration-notice:has-text('Nothing new to narrate')")

    run_worker("sound")
    page.wait_for_selector("#narration-count:text-is('3 of 3 scenes narrated')")
    assert page.evaluate("document.getElementById('narration-bar').value") == 3
    assert page.locator("#narration-progress[data-running]").count() == 0  # the polling stopped
    assert Scene.objects.filter(scenario=story, sound__status="ready").count() == 3
