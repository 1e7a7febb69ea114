"""The demo story: created once, in French, well-formed."""

import pytest
from django.core.management import call_command

from story_admin.demo import DEMO_EMAIL, DEMO_TITLE
from story_admin.models import Choice, Scenario
from story_admin.selectors import load_story
from story_admin.validation import story_problems

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_sound_french_story_once(capsys):
    call_command("seed_demo")
    first_output = capsys.readouterr().out
    assert DEMO_EMAIL in first_output and "password:" in first_output
    call_command("seed_demo")
    assert "password" not in capsys.readouterr().out

    scenario = Scenario.objects.get(title=DEMO_TITLE)
    story = load_story(scenario)
    assert scenario.language == "fr" and scenario.is_published
    assert 10 <= len(story.scenes) <= 14
    assert story_problems(story) == []
    assert len({scene.ending_kind for scene in story.endings}) >= 3
    start = story.start_scene
    assert all(scene.position_x >= start.position_x for scene in story.scenes)
    # A choice loops back to a scene placed further left on the map.
    assert any(choice.to_scene.position_x < choice.from_scene.position_x for choice in story.choices)
    assert Choice.objects.filter(scenario=scenario).count() == len(story.choices)
