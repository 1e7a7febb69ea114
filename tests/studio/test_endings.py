"""The Endings page: each ending reachable or not, its chance, its shortest path playable in the play-test, the
state problems linked to their scenes, coverage; large stories analysed by a job, again after an edit."""

import re
from html import unescape

import django_rq
import pytest
from django.urls import reverse
from rq import SimpleWorker

from story_admin.models import Choice, Scenario
from story_admin.services import state as declarations
from story_admin.state.expressions import parse_condition, parse_effects
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def casino(author, rq_redis):
    story = ScenarioFactory(author=author, title="Le casino")
    declarations.declare_variable(editor=author, scenario=story, name="luck", kind="number", initial=0)
    declarations.declare_item(editor=author, scenario=story, name="key")
    table = SceneFactory(scenario=story, title="Table", is_start_scene=True, order=0)
    dice = SceneFactory(scenario=story, title="Dice", order=1, effects=parse_effects("luck = 2d6"))
    jackpot = SceneFactory(scenario=story, title="Jackpot", is_end_scene=True, ending_kind="happy", order=2)
    home = SceneFactory(scenario=story, title="Home", is_end_scene=True, order=3)
    vault = SceneFactory(scenario=story, title="Vault", is_end_scene=True, order=4)
    Choice.objects.create(scenario=story, from_scene=table, to_scene=dice, text="Throw", order=0)
    Choice.objects.create(
        scenario=story,
        from_scene=dice,
        to_scene=jackpot,
        text="Collect",
        order=0,
        condition=parse_condition("luck == 12"),
    )
    Choice.objects.create(
        scenario=story, from_scene=dice, to_scene=home, text="Go home", order=1, condition=parse_condition("luck < 12")
    )
    Choice.objects.create(
        scenario=story,
        from_scene=table,
        to_scene=vault,
        text="Open the vault",
        order=1,
        condition=parse_condition('has("key")'),
    )
    return Scenario.objects.get(pk=story.pk)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def endings_page(client, story):
    return client.get(reverse("studio:endings", args=[story.pk]))


def test_each_ending_with_its_chance_and_lengths_and_the_state_problems(studio, casino):
    response = endings_page(studio, casino)
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "Complete:" in page
    assert "Jackpot reachable Chance 2.78 % Shortest 2 choices Median 2 choices" in page
    assert "Home reachable Chance 97.22 %" in page
    assert "Vault unreachable Chance 0.00 % Shortest — Median —" in page
    assert "ENDING_UNREACHABLE No player can reach the ending “Vault”" in page
    assert "ITEM_NEVER_GAINED" in page
    vault = casino.scenes.get(title="Vault")
    assert f'href="{reverse("studio:scene", args=[casino.pk, vault.pk])}"' in response.content.decode()
    assert "No playthrough reached: “Vault”." in page
    assert re.search(r"Table 10000 .*100\.0 %", page)


def test_show_the_path_opens_the_play_test_at_the_ending_with_the_lucky_roll(studio, casino):
    html = endings_page(studio, casino).content.decode()
    links = [unescape(url) for url in re.findall(r'<a href="([^"]+)">Show the path in the play-test</a>', html)]
    jackpot_link = links[0]
    assert jackpot_link.endswith("&roll=1%3A12")
    played = text_of(studio.get(jackpot_link).content.decode())
    assert "Jackpot Something happens. The end — happy ending, after 2 choices." in played
    assert "State luck 12" in played


def test_a_story_without_endings_says_so(studio, author):
    story = ScenarioFactory(author=author, title="Sans fin")
    SceneFactory(scenario=story, title="Alone", is_start_scene=True)
    page = text_of(endings_page(studio, story).content.decode())
    assert "This story has no ending yet" in page


def test_another_author_is_told_the_page_does_not_exist(client, other_author, casino):
    client.force_login(other_author)
    assert endings_page(client, casino).status_code == 404


def test_a_large_story_is_analysed_by_a_job_then_again_after_an_edit(studio, casino, settings):
    settings.ANALYSIS_JOB_SCENES = 3
    page = text_of(endings_page(studio, casino).content.decode())
    assert "Analysing the story…" in page and "States explored so far: 0" in page
    assert django_rq.get_queue("default").count == 1
    assert "Analysing" in text_of(endings_page(studio, casino).content.decode())
    assert django_rq.get_queue("default").count == 1  # asked twice, queued once
    SimpleWorker([django_rq.get_queue("default")], connection=django_rq.get_connection("default")).work(burst=True)
    assert "Jackpot reachable Chance 2.78 %" in text_of(endings_page(studio, casino).content.decode())

    choice = Choice.objects.get(scenario=casino, text="Go home")
    choice.condition = parse_condition("luck <= 12")
    choice.save()
    assert "Analysing the story…" in text_of(endings_page(studio, casino).content.decode())
    SimpleWorker([django_rq.get_queue("default")], connection=django_rq.get_connection("default")).work(burst=True)
    assert "Home reachable Chance 98.61 %" in text_of(endings_page(studio, casino).content.decode())


def test_the_maps_problems_panel_lists_the_state_problems_linked_to_their_scene(studio, casino):
    response = studio.get(reverse("studio:story", args=[casino.pk]))
    html = response.content.decode()
    vault = casino.scenes.get(title="Vault")
    panel = html[html.index('id="problems"') :]
    assert f'href="{reverse("studio:scene", args=[casino.pk, vault.pk])}"' in panel
    assert "No player can reach the ending “Vault”" in unescape(panel)
    assert "The item “key” is never gained" in unescape(panel)
