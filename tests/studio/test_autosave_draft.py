"""A save sent as the page closes can land after the reloaded page fetched the old text: the reloaded page keeps
the draft (sessionStorage, per tab) and never shows the stale text."""

import pytest
from django.urls import reverse

from story_admin.services.scenes import update_scene
from story_admin.models import Scene
from tests.browsers import wait_until
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = "Cold stone. A rope hangs into the dark."


@pytest.fixture
def rim(author_page):
    page, author = author_page
    story = ScenarioFactory(author=author, title="The well")
    scene = SceneFactory(scenario=story, title="Rim", text="Cold stone.", is_start_scene=True)
    return page, author, scene


def reload_before_the_save_lands(page, scene):
    """Type, then reload at once; the save sent as the page goes has not reached the server when the new page
    loads (here the old page's saves go nowhere, as if still on their way)."""
    page.goto(reverse("studio:scene", args=[scene.scenario_id, scene.pk]))
    page.wait_for_selector("#map[data-ready=true]")
    page.evaluate("document.getElementById('scene-form').dataset.autosaveUrl = '/still-on-its-way/'")
    page.get_by_label("Scene text", exact=True).fill(TYPED)
    page.reload()
    page.wait_for_selector("#map[data-ready=true]")


def test_the_reloaded_page_shows_the_draft_and_saves_it(rim):
    page, author, scene = rim
    reload_before_the_save_lands(page, scene)
    assert page.get_by_label("Scene text", exact=True).input_value() == TYPED  # not the stale "Cold stone."
    wait_until(page, "document.getElementById('autosave-status').textContent === 'Saved.'")
    assert Scene.objects.get(pk=scene.pk).text == TYPED
    page.reload()
    assert page.get_by_label("Scene text", exact=True).input_value() == TYPED
    drafts = "Object.keys(sessionStorage).filter((key) => key.startsWith('studio-draft:')).length"
    assert page.evaluate(drafts) == 0  # the draft is gone once saved


def test_when_the_late_save_lands_meanwhile_nothing_is_asked(rim):
    page, author, scene = rim

    landed = []

    def late_save_lands_first(route):
        # The reloaded page's own save reaches the server just after the late one landed.
        if not landed:
            landed.append(update_scene(editor=author, scene=Scene.objects.get(pk=scene.pk), text=TYPED))
        route.continue_()

    page.route("**/autosave/", late_save_lands_first)
    reload_before_the_save_lands(page, scene)
    assert page.get_by_label("Scene text", exact=True).input_value() == TYPED
    wait_until(page, "document.getElementById('autosave-status').textContent === 'Saved.'")
    assert page.locator("#autosave-conflict").is_hidden()  # the newer version is this very text: nothing to choose
    assert Scene.objects.get(pk=scene.pk).text == TYPED
    # The next edit saves over the version the late save made (it was refused as "saved elsewhere" once).
    page.get_by_label("Scene text", exact=True).fill(TYPED + " It is wet.")
    page.locator("body").click(position={"x": 5, "y": 5})
    wait_until(page, "document.getElementById('autosave-status').textContent === 'Saved.'")
    assert page.locator("#autosave-conflict").is_hidden()
    assert Scene.objects.get(pk=scene.pk).text == TYPED + " It is wet."
