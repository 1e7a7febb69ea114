"""Players' progress: start, choose, go back, percentage, time spent, completion."""

from datetime import timedelta

import pytest

from story_admin.services.progress import advance, choose, go_back, progress_percentage, start_progress
from story_admin.services.stories import publish_scenario
from story_admin.exceptions import PermissionDenied, StoryRuleError
from story_admin.models import Choice, PlayerProgress, Scene
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(story, author):
    return publish_scenario(editor=author, scenario=story)


def titles(progress):
    by_id = {str(scene.pk): scene.title for scene in Scene.objects.filter(scenario_id=progress.scenario_id)}
    return [by_id[entry.scene_id] for entry in progress.history]


def test_start_places_the_player_on_the_start_scene(published, player):
    progress = start_progress(player=player, scenario=published)
    assert progress.current_scene.title == "Start"
    assert titles(progress) == ["Start"]
    assert start_progress(player=player, scenario=published).pk == progress.pk
    assert PlayerProgress.objects.filter(user=player).count() == 1


def test_drafts_are_played_only_by_their_author(story, author, player):
    with pytest.raises(PermissionDenied, match="not published yet"):
        start_progress(player=player, scenario=story)
    assert start_progress(player=author, scenario=story).current_scene.title == "Start"


def test_playing_to_an_ending_completes_the_story(published, player):
    progress = start_progress(player=player, scenario=published)
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Go down"))
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Open the door"))
    stored = PlayerProgress.objects.get(pk=progress.pk)
    assert stored.is_completed and stored.completed_at
    assert titles(stored) == ["Start", "Middle", "End"]
    assert stored.history[-1].choice_id == str(Choice.objects.get(text="Open the door").pk)
    assert progress_percentage(stored) == 100.0


def test_a_choice_of_another_scene_is_refused(published, player):
    progress = start_progress(player=player, scenario=published)
    with pytest.raises(StoryRuleError, match="does not belong to the player's current scene"):
        choose(player=player, progress=progress, choice=Choice.objects.get(text="Open the door"))
    assert titles(PlayerProgress.objects.get(pk=progress.pk)) == ["Start"]


def test_a_move_without_choice_must_follow_a_choice(published, player):
    progress = start_progress(player=player, scenario=published)
    end = Scene.objects.get(scenario=published, title="End")
    with pytest.raises(StoryRuleError, match="No choice of the current scene leads to that scene"):
        advance(player=player, progress=progress, to_scene=end)
    middle = Scene.objects.get(scenario=published, title="Middle")
    advance(player=player, progress=progress, to_scene=middle, metadata={"device": "phone"})
    stored = PlayerProgress.objects.get(pk=progress.pk)
    assert stored.current_scene == middle and stored.history[-1].metadata == {"device": "phone"}


def test_going_back_never_passes_the_start(published, player):
    progress = start_progress(player=player, scenario=published)
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Go down"))
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Open the door"))
    with pytest.raises(StoryRuleError, match="at most 2 steps"):
        go_back(player=player, progress=progress, steps=3)
    go_back(player=player, progress=progress, steps=1)
    stored = PlayerProgress.objects.get(pk=progress.pk)
    assert stored.current_scene.title == "Middle" and not stored.is_completed and stored.completed_at is None
    assert titles(stored) == ["Start", "Middle"]
    with pytest.raises(StoryRuleError, match="at least one step"):
        go_back(player=player, progress=stored, steps=0)


def test_percentage_counts_distinct_scenes_visited(published, player):
    progress = start_progress(player=player, scenario=published)
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Go down"))
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Climb back"))
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Go down"))
    assert progress_percentage(progress) == pytest.approx(66.7)


def test_time_spent_adds_reading_time_and_ignores_long_pauses(published, player):
    progress = start_progress(player=player, scenario=published)
    progress.history[-1].timestamp -= timedelta(seconds=42)
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Go down"))
    assert 42 <= progress.total_time_spent < 45
    progress.history[-1].timestamp -= timedelta(days=2)
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Climb back"))
    assert progress.total_time_spent < 42 + 31 * 60


def test_restart_resets_the_path(published, player):
    progress = start_progress(player=player, scenario=published)
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Go down"))
    restarted = start_progress(player=player, scenario=published, restart=True)
    assert restarted.pk == progress.pk and titles(restarted) == ["Start"] and restarted.total_time_spent == 0


def test_another_players_progress_is_not_yours(published, player):
    progress = start_progress(player=player, scenario=published)
    with pytest.raises(PermissionDenied):
        choose(player=UserFactory(), progress=progress, choice=Choice.objects.get(text="Go down"))


def test_a_finished_story_needs_going_back_or_restarting(published, player):
    progress = start_progress(player=player, scenario=published)
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Go down"))
    choose(player=player, progress=progress, choice=Choice.objects.get(text="Open the door"))
    with pytest.raises(StoryRuleError, match="story is finished"):
        advance(player=player, progress=progress, to_scene=progress.current_scene)


@pytest.mark.parametrize("history_length", [0, 1])
def test_going_back_at_the_start_never_names_a_negative_number(published, player, history_length):
    progress = start_progress(player=player, scenario=published)
    progress.history = progress.history[:history_length]  # an empty history: written by hand or by old code
    progress.save()
    with pytest.raises(StoryRuleError) as refusal:
        go_back(player=player, progress=progress, steps=1)
    assert refusal.value.message == "You are at the start: there is no step to go back to."
