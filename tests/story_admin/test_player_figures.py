"""The story figures counted as players play (story_admin/analytics/counters.py) stay equal to what the
aggregation pipeline counts from the players' progress, through every way progress changes: a start, a choice,
going back, a restart, a reading time, an ending, a guest's play kept on sign-in, a deleted progress, a deleted
scene, a deleted account; preview plays and the author's own never count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from story_admin.analytics import counters, story_analytics
from story_admin.analytics.figures import from_the_progress
from story_admin.models import PlayerFigures
from story_admin.services import progress as play
from story_admin.services.previews import create_preview_link
from story_admin.services.scenes import delete_scene
from story_admin.services.users import delete_user
from tests.factories import UserFactory
from tests.players import cellar_story

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_figures")]


def from_the_counters(scenario, idle_before):
    return counters.read(scenario.pk, first=None, last=None, idle_before=idle_before)


def stored_counters(scenario):
    """The story's counters documents (their ids: the same however they were counted) with the counts that came
    back to zero left out."""

    def kept(value):
        if isinstance(value, dict):
            return {key: kept(inner) for key, inner in value.items() if inner != 0 and kept(inner) != {}}
        return value

    found = connection.get_collection("player_figures").find(
        {"scenario_id": scenario.pk}, {"_id": 0}, sort=[("day", 1)]
    )
    return [kept(document) for document in found]


def assert_counted_alike(scenario):
    """Counters equal to the pipeline's figures (drop-off: every unfinished player, and none), and to counters
    counted again from scratch."""
    for idle_before in (timezone.now() + timedelta(hours=1), timezone.now() - timedelta(days=1)):
        assert from_the_counters(scenario, idle_before) == from_the_progress(
            scenario, since=None, until=None, idle_before=idle_before
        )
    live = stored_counters(scenario)
    counters.rebuild([scenario.pk])
    assert stored_counters(scenario) == live


@pytest.fixture
def story(author):
    scenario, scenes, choices = cellar_story(author)
    return scenario, scenes, choices


def test_every_kind_of_step_keeps_the_counters_equal_to_the_players_progress(author, story):
    scenario, scenes, choices = story
    ada, bea, cy = UserFactory(), UserFactory(), UserFactory()

    progress = play.start_progress(player=ada, scenario=scenario)
    assert_counted_alike(scenario)
    progress = play.choose(player=ada, progress=progress, choice=choices["Open the door"])
    progress = play.choose(player=ada, progress=progress, choice=choices["Go down"])
    progress = play.choose(player=ada, progress=progress, choice=choices["Climb back"])
    assert_counted_alike(scenario)
    progress = play.choose(player=ada, progress=progress, choice=choices["Try the key"])  # an ending
    progress = play.set_time_spent(player=ada, progress=progress, seconds=420)
    assert_counted_alike(scenario)
    progress = play.go_back(player=ada, progress=progress, steps=2)  # not finished any more
    assert_counted_alike(scenario)
    play.start_progress(player=ada, scenario=scenario, restart=True)
    assert_counted_alike(scenario)

    other = play.start_progress(player=bea, scenario=scenario)
    other = play.choose(player=bea, progress=other, choice=choices["Walk away"])
    assert_counted_alike(scenario)
    play.delete_progress(player=bea, progress=other)
    assert_counted_alike(scenario)

    guest = play.start_guest_progress(scenario=scenario)
    guest = play.choose(player=cy, progress=guest, choice=choices["Open the door"])
    play.keep_guest_progress(player=cy, guest=guest)
    assert_counted_alike(scenario)
    analytics = story_analytics(user=author, scenario=scenario)
    assert (analytics.started, analytics.finished) == (2, 0)  # Ada back at the start, Cy in the hall


def test_preview_plays_and_the_authors_own_are_never_counted(author, story):
    scenario, _scenes, choices = story
    link = create_preview_link(editor=author, scenario=scenario)
    for player, preview in ((UserFactory(), link), (author, None)):
        progress = play.start_progress(player=player, scenario=scenario, preview=preview)
        play.choose(player=player, progress=progress, choice=choices["Walk away"], preview=preview)
    assert not PlayerFigures.objects.filter(scenario=scenario).exists()  # nothing counted, nothing written
    assert story_analytics(user=author, scenario=scenario).started == 0


def test_a_deleted_scene_sends_its_players_to_the_start_in_the_counters_too(author, story):
    scenario, scenes, choices = story
    for user in (UserFactory(), UserFactory()):
        progress = play.start_progress(player=user, scenario=scenario)
        progress = play.choose(player=user, progress=progress, choice=choices["Open the door"])
        play.choose(player=user, progress=progress, choice=choices["Try the key"])  # finished in the Vault
    stayed = play.start_progress(player=UserFactory(), scenario=scenario)
    play.choose(player=stayed.user, progress=stayed, choice=choices["Open the door"])
    delete_scene(editor=author, scene=scenes["Vault"])
    assert_counted_alike(scenario)
    analytics = story_analytics(user=author, scenario=scenario)
    assert (analytics.started, analytics.finished) == (3, 0)


def test_a_deleted_account_leaves_the_figures_of_the_stories_it_played(author, story):
    scenario, _scenes, choices = story
    leaving, staying = UserFactory(), UserFactory()
    for user in (leaving, staying):
        progress = play.start_progress(player=user, scenario=scenario)
        play.choose(player=user, progress=progress, choice=choices["Walk away"])
    delete_user(editor=leaving, user=leaving)
    assert_counted_alike(scenario)
    assert story_analytics(user=author, scenario=scenario).started == 1


def test_a_deleted_story_takes_its_counters(author, story):
    from story_admin.services.stories import delete_scenario

    scenario, _scenes, choices = story
    progress = play.start_progress(player=UserFactory(), scenario=scenario)
    play.choose(player=progress.user, progress=progress, choice=choices["Walk away"])
    delete_scenario(editor=author, scenario=scenario)
    assert not PlayerFigures.objects.filter(scenario_id=scenario.pk).exists()
