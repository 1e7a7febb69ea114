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


def test_the_demo_story_uses_state_and_no_player_can_be_stuck(player):
    """Oil for the lamp, the brass key for the secret ending, one dice test; from the lantern, whatever the
    roll and the oil, a way on is always there."""
    from story_admin.services.progress import choose, start_progress
    from story_admin.state.expressions import condition_text
    from story_admin.state.schema import schema_of

    call_command("seed_demo")
    scenario = Scenario.objects.get(title=DEMO_TITLE)
    schema = schema_of(scenario)
    assert set(schema.variables) == {"huile", "chance"} and schema.items == {"clé de laiton"}
    grotto = Choice.objects.get(scenario=scenario, text="La suivre dans la grotte")
    assert condition_text(grotto.condition) == 'has("clé de laiton")'

    progress = start_progress(player=player, scenario=scenario)
    for label in ("Monter réparer la lanterne", "Continuer jusqu'à la lanterne"):
        progress = choose(player=player, progress=progress, choice=Choice.objects.get(scenario=scenario, text=label))
    story = load_story(scenario)
    from story_admin.selectors import choices_for_player

    shown = [(verdict.choice.text, verdict.available) for verdict in choices_for_player(progress, story)]
    assert ("Allumer le feu de secours à la main", False) in shown  # no oil yet
    assert sum(available for _, available in shown) == 1  # the signals, to one ending or the other
    assert 2 <= progress.state["variables"]["chance"] <= 12
