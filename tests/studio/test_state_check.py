"""Live validation of conditions and effects while the author types, in the scene panel."""

import pytest
from django.urls import reverse

from story_admin.models import Choice, Scene
from story_admin.services import state as story_state
from tests.factories import PASSWORD, ScenarioFactory, SceneFactory


@pytest.fixture
def toll_bridge(author):
    scenario = ScenarioFactory(author=author, title="The toll bridge")
    start = SceneFactory(scenario=scenario, title="The bridge", is_start_scene=True)
    end = SceneFactory(scenario=scenario, title="The far bank", is_end_scene=True, ending_kind="happy")
    Choice.objects.create(scenario=scenario, from_scene=start, to_scene=end, text="Pay the toll")
    story_state.declare_variable(editor=author, scenario=scenario, name="gold", kind="number", initial=3)
    return scenario


@pytest.mark.django_db
def test_a_condition_is_checked_against_the_storys_state_and_nothing_is_written(studio, toll_bridge):
    url = reverse("studio:check_state_text", args=[toll_bridge.pk])
    assert studio.post(url, {"field": "condition_text", "text": "gold >= 2"}).json() == {"ok": True, "message": ""}
    unknown = studio.post(url, {"field": "condition_text", "text": "silver >= 2"}).json()
    assert unknown["ok"] is False and "silver" in unknown["message"]
    broken = studio.post(url, {"field": "effects_text", "text": "gold +="}).json()
    assert broken["ok"] is False and broken["message"]
    odd = studio.post(url, {"field": "title", "text": "x"}).json()
    assert odd == {"ok": False, "message": "No such field to check: title."}
    assert Choice.objects.get(scenario=toll_bridge).condition == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_condition_field_says_what_is_wrong_while_typing(page, toll_bridge):
    page.goto("/signin/")
    page.fill("input[name=email]", toll_bridge.author.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    bridge = Scene.objects.get(scenario=toll_bridge, title="The bridge")
    page.goto(f"/stories/{toll_bridge.pk}/scenes/{bridge.pk}/")
    field = page.locator("input[name=condition_text]")
    page.locator("details.choice-state summary").first.click()
    field.press_sequentially("silver >= 2")
    page.wait_for_selector(".state-check.error:has-text('silver')")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    assert page.locator(f"#{described[-1]}").inner_text() == page.locator(".state-check.error").inner_text()
    field.fill("")
    field.press_sequentially("gold >= 2")
    page.wait_for_selector(".state-check:not(.error)", state="attached")
    assert field.get_attribute("aria-invalid") is None
