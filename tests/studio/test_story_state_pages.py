"""Story state in the studio: the variables and items page, conditions and effects in the scene panel,
and the play-test's state panel with "what if" values and fixed dice."""

import re
from html import unescape

import pytest
from django.urls import reverse

from story_admin.models import Choice, Scenario, Scene
from story_admin.services import state
from story_admin.state.expressions import parse_condition, parse_effects
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lighthouse(author):
    story = ScenarioFactory(author=author, title="Le phare")
    state.declare_variable(editor=author, scenario=story, name="oil", kind="number", initial=1, minimum=0)
    state.declare_variable(editor=author, scenario=story, name="luck", kind="number", initial=0)
    state.declare_item(editor=author, scenario=story, name="brass key")
    quay = SceneFactory(scenario=story, title="Quay", is_start_scene=True, order=0)
    tower = SceneFactory(scenario=story, title="Tower", order=1, effects=parse_effects("luck = 2d6"))
    vault = SceneFactory(scenario=story, title="Vault", is_end_scene=True, ending_kind="secret", order=2)
    Choice.objects.create(scenario=story, from_scene=quay, to_scene=tower, text="Climb", order=0)
    Choice.objects.create(
        scenario=story,
        from_scene=quay,
        to_scene=vault,
        text="Open the vault",
        order=1,
        condition=parse_condition('has("brass key") or oil >= 3'),
        locked_reason="It is locked.",
    )
    Choice.objects.create(
        scenario=story,
        from_scene=quay,
        to_scene=vault,
        text="Secret passage",
        order=2,
        condition=parse_condition("luck == 12"),
    )
    return Scenario.objects.get(pk=story.pk)


def link(page: str, text: str) -> str:
    match = re.search(r'<a href="([^"]+)">' + re.escape(text) + "</a>", page)
    assert match, f"No link “{text}” on the page."
    return unescape(match.group(1))


def test_an_author_declares_and_renames_variables_on_the_state_page(studio, lighthouse):
    url = reverse("studio:state", args=[lighthouse.pk])
    page = studio.get(url).text
    assert "Variables and items" in studio.get(reverse("studio:story", args=[lighthouse.pk])).text
    assert 'value="oil"' in page and 'value="brass key"' in page
    added = studio.post(
        reverse("studio:add_variable", args=[lighthouse.pk]),
        {"name": "stamina", "kind": "number", "initial": "12", "maximum": "12", "visible": "on"},
        follow=True,
    )
    assert "Variable “stamina” declared." in added.text
    assert state.schema_of(Scenario.objects.get(pk=lighthouse.pk)).variables["stamina"].maximum == 12
    Choice.objects.filter(text="Climb").update(effects=parse_effects("oil -= 1"))
    renamed = studio.post(
        reverse("studio:edit_variable", args=[lighthouse.pk, "oil"]),
        {"name": "lamp_oil", "kind": "number", "initial": "1", "minimum": "0", "visible": "on"},
        follow=True,
    )
    assert "Variable “lamp_oil” saved." in renamed.text
    assert Choice.objects.get(text="Climb").effects == parse_effects("lamp_oil -= 1")
    assert Choice.objects.get(text="Open the vault").condition == parse_condition('has("brass key") or lamp_oil >= 3')


def test_a_bad_declaration_shows_its_error_in_place(studio, lighthouse):
    response = studio.post(reverse("studio:add_variable", args=[lighthouse.pk]), {"name": "and", "kind": "flag"})
    assert response.status_code == 400
    assert "cannot name a variable" in response.text and 'value="and"' in response.text


def test_deleting_a_used_item_is_refused_with_its_uses(studio, lighthouse):
    page = studio.post(reverse("studio:delete_item", args=[lighthouse.pk, "brass key"]), follow=True).text
    assert (
        "“brass key” is still used, so it cannot be deleted. Used in the condition of the choice "
        "“Open the vault” in “Quay”." in unescape(page)
    )


def test_the_scene_panel_edits_effects_conditions_and_reasons(studio, lighthouse):
    quay = Scene.objects.get(title="Quay")
    url = reverse("studio:scene", args=[lighthouse.pk, quay.pk])
    panel = studio.get(url).text
    assert 'value="has(&quot;brass key&quot;) or oil &gt;= 3"' in panel and 'value="It is locked."' in panel
    saved = studio.post(
        url,
        {
            "title": "Quay",
            "text": "Wind.",
            "is_start_scene": "on",
            "effects_text": "oil += 2",
            "version": str(quay.version),
        },
    )
    assert saved.status_code == 302 and Scene.objects.get(pk=quay.pk).effects == parse_effects("oil += 2")

    refused = studio.post(
        url,
        {
            "title": "Quay",
            "text": "Wind.",
            "effects_text": "torch += 1",
            "version": str(Scene.objects.get(pk=quay.pk).version),
        },
    )
    assert refused.status_code == 400 and "Unknown variable “torch”" in unescape(refused.text)

    climb = Choice.objects.get(text="Climb")
    studio.post(
        reverse("studio:edit_choice", args=[lighthouse.pk, quay.pk, climb.pk]),
        {
            "text": "Climb",
            "to_scene": str(climb.to_scene_id),
            "condition_text": "oil > 0",
            "locked_reason": "The stairs are dark without oil.",
            "effects_text": "oil -= 1",
        },
    )
    climb = Choice.objects.get(pk=climb.pk)
    assert (climb.condition, climb.locked_reason, climb.effects) == (
        parse_condition("oil > 0"),
        "The stairs are dark without oil.",
        parse_effects("oil -= 1"),
    )


def test_a_condition_from_elsewhere_is_kept_when_the_choice_is_relabelled(studio, lighthouse):
    quay = Scene.objects.get(title="Quay")
    climb = Choice.objects.get(text="Climb")
    Choice.objects.filter(pk=climb.pk).update(condition={"has": "rope"})
    panel = studio.get(reverse("studio:scene", args=[lighthouse.pk, quay.pk])).text
    assert "kept as stored" in panel and 'name="condition_text" value=""' not in panel
    studio.post(
        reverse("studio:edit_choice", args=[lighthouse.pk, quay.pk, climb.pk]),
        {"text": "Climb up", "to_scene": str(climb.to_scene_id), "locked_reason": ""},
    )
    assert Choice.objects.get(pk=climb.pk).condition == {"has": "rope"}


def test_the_play_test_shows_the_state_and_why_choices_are_locked_or_hidden(studio, lighthouse):
    page = unescape(studio.get(reverse("studio:play", args=[lighthouse.pk]), follow=True).text)
    assert "<dt>oil</dt>" in page and "<dd>1</dd>" in page
    assert "Open the vault</span> — <em>It is locked.</em>" in page
    assert "hidden from players: luck == 12 is false" in page
    what_if = studio.get(
        reverse("studio:play", args=[lighthouse.pk]),
        {"seed": "5", "what_if": "0", "what_if_name": "oil", "what_if_value": "3"},
        follow=True,
    ).text
    assert link(what_if, "Open the vault")


def test_the_play_test_can_fix_the_next_roll(studio, lighthouse):
    page = studio.get(
        reverse("studio:play", args=[lighthouse.pk]), {"seed": "5", "fix_roll": "0", "next_roll": "12"}, follow=True
    ).text
    tower = unescape(studio.get(link(page, "Climb")).text)
    assert re.search(r"<dt>luck</dt>\s*<dd>12</dd>", tower)
