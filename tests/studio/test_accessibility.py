"""axe-core (axe-playwright-python's own build) on the studio's pages, WCAG 2.2 AA rules, at 1400 and 800 px, and in French."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD, AuthorFactory, ChoiceFactory, ScenarioFactory, SceneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
# Set to a folder to keep a screenshot of every page checked (to look at them, not asserted).
SHOTS = os.environ.get("STUDIO_SCREENSHOTS")


@pytest.fixture
def french_lighthouse():
    author = AuthorFactory()
    scenario = ScenarioFactory(author=author, title="Le Gardien du phare")
    door = SceneFactory(
        scenario=scenario,
        title="La porte du phare",
        text="La porte grince.",
        is_start_scene=True,
        position_x=0,
        position_y=0,
    )
    stairs = SceneFactory(
        scenario=scenario, title="L'escalier en colimaçon, qui monte vers la lanterne", position_x=320, position_y=0
    )
    top = SceneFactory(
        scenario=scenario, title="La lanterne", is_end_scene=True, ending_kind="happy", position_x=640, position_y=100
    )
    ChoiceFactory(from_scene=door, to_scene=stairs, text="Entrer")
    ChoiceFactory(from_scene=stairs, to_scene=top, text="Monter")
    ChoiceFactory(from_scene=stairs, to_scene=door, text="Redescendre")
    return scenario


def pages_of(story):
    start = story.scenes.get(is_start_scene=True)
    return {
        "dashboard": "/",
        "map": f"/stories/{story.pk}/",
        "scene": f"/stories/{story.pk}/scenes/{start.pk}/",
        "outline": f"/stories/{story.pk}/outline/",
        "endings": f"/stories/{story.pk}/endings/",
        "state": f"/stories/{story.pk}/state/",
        "replace": f"/stories/{story.pk}/replace/",
        "settings": f"/stories/{story.pk}/settings/",
        "players": f"/stories/{story.pk}/players/",
    }


@pytest.mark.parametrize("width, language", [(1400, "en"), (800, "en"), (1400, "fr")])
def test_every_studio_page_passes_axe(page, french_lighthouse, width, language, rq_redis):
    page.set_viewport_size({"width": width, "height": 900})
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto("/signin/")
    page.fill("input[name=email]", french_lighthouse.author.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    axe, found = Axe(), {}
    for name, url in pages_of(french_lighthouse).items():
        page.goto(url)
        if name in ("map", "scene"):
            page.wait_for_selector("#map[data-ready=true]")
        assert page.get_attribute("html", "lang") == language, f"{name} is not in {language}"
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"studio-{name}-{language}-{width}.png"), full_page=True)
        violations = axe.run(page, options=WCAG_22_AA).response["violations"]
        if violations:
            found[name] = [
                (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:3])
                for violation in violations
            ]
    assert not found, found
