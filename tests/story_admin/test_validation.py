"""story_problems: every kind of problem, each naming the scene or choice it is about."""

import pytest

from story_admin.models import Choice
from story_admin.selectors import load_story
from story_admin.validation import publishing_problems, story_problems
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db


def problems_of(scenario):
    return [(problem.code, problem.scene_id, problem.choice_id) for problem in story_problems(load_story(scenario))]


def test_a_sound_story_has_no_problems(story):
    assert problems_of(story) == []


def test_empty_story_needs_a_first_scene():
    problems = story_problems(load_story(ScenarioFactory()))
    assert [problem.code for problem in problems] == ["no_start"]
    assert "no scenes yet" in problems[0].message


def test_missing_start(story):
    story.scenes.filter(is_start_scene=True).update(is_start_scene=False)
    assert [code for code, *_ in problems_of(story)] == ["no_start"]


def test_several_starts_name_the_extra_one(story):
    end = story.scenes.get(title="End")
    extra = SceneFactory(scenario=story, title="Second start", is_start_scene=True, order=5)
    Choice.objects.create(scenario=story, from_scene=extra, to_scene=end, text="Hurry")
    problems = story_problems(load_story(story))
    assert [(problem.code, problem.scene_id) for problem in problems] == [("several_starts", extra.pk)]
    assert "“Second start” is marked as a start" in problems[0].message


def test_unreachable_scene_and_dead_end(story):
    lost = SceneFactory(scenario=story, title="Attic", order=9)
    codes = problems_of(story)
    assert ("dead_end", lost.pk, None) in codes
    assert ("unreachable", lost.pk, None) in codes
    messages = [problem.message for problem in story_problems(load_story(story))]
    assert "“Attic” is a dead end: add a choice, or mark it as an ending." in messages


def test_ending_no_path_reaches(story):
    secret = SceneFactory(scenario=story, title="Secret end", is_end_scene=True, ending_kind="secret", order=9)
    assert problems_of(story) == [("unreachable_ending", secret.pk, None)]


def test_choice_pointing_nowhere(story):
    choice = Choice.objects.get(scenario=story, text="Open the door")
    Choice.objects.filter(pk=choice.pk).update(to_scene=None)
    problems = problems_of(story)
    assert ("choice_without_target", choice.from_scene_id, choice.pk) in problems


def test_choice_pointing_into_another_story(story):
    elsewhere = SceneFactory(title="Elsewhere")
    choice = Choice.objects.get(scenario=story, text="Open the door")
    Choice.objects.filter(pk=choice.pk).update(to_scene=elsewhere)
    problems = story_problems(load_story(story))
    assert ("choice_outside_story", choice.pk) in [(problem.code, problem.choice_id) for problem in problems]
    assert [problem.code for problem in publishing_problems(load_story(story))] == ["choice_outside_story"]


def test_story_without_any_ending(story):
    story.scenes.filter(title="End").update(is_end_scene=False, ending_kind="")
    codes = [code for code, *_ in problems_of(story)]
    assert "no_ending" in codes and "dead_end" in codes
