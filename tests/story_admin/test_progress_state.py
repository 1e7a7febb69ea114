"""Playing a story with state: initial values, conditions refused with the author's reason, effects,
going back restores the state, dice reproducible from the progress's seed."""

import pytest

from story_admin import selectors
from story_admin.services.progress import advance, choose, go_back, start_progress
from story_admin.services.stories import publish_scenario
from story_admin.exceptions import StoryRuleError
from story_admin.models import Choice, PlayerProgress, Scenario, Scene
from story_admin.services import state as declarations
from story_admin.state.dice import parse_dice
from story_admin.state.expressions import parse_condition, parse_effects
from story_admin.state.play import dice_for
from tests.factories import ScenarioFactory, SceneFactory
from tests.snapshots import database_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def vault(author):
    """Quay (+2 oil) → Tower (gain the brass key; roll 2d6 into luck) → Vault (needs the key, 3 oil) | Cliff."""
    story = ScenarioFactory(author=author, title="Le phare", is_published=True)
    declarations.declare_variable(
        editor=author, scenario=story, name="oil", kind="number", initial=1, minimum=0, maximum=5
    )
    declarations.declare_variable(editor=author, scenario=story, name="luck", kind="number", initial=0)
    declarations.declare_item(editor=author, scenario=story, name="brass key")
    quay = SceneFactory(scenario=story, title="Quay", is_start_scene=True, effects=parse_effects("oil += 2"))
    tower = SceneFactory(scenario=story, title="Tower", effects=parse_effects('gain "brass key"; luck = 2d6'))
    vault = SceneFactory(scenario=story, title="Vault", is_end_scene=True, ending_kind="secret")
    cliff = SceneFactory(scenario=story, title="Cliff", is_end_scene=True, ending_kind="tragic")
    Choice.objects.create(
        scenario=story, from_scene=quay, to_scene=tower, text="Climb", effects=parse_effects("oil -= 1")
    )
    Choice.objects.create(
        scenario=story,
        from_scene=tower,
        to_scene=vault,
        text="Open the vault",
        order=0,
        condition=parse_condition('has("brass key") and oil >= 3'),
        locked_reason="You need the key and oil for the lamp.",
    )
    Choice.objects.create(
        scenario=story, from_scene=tower, to_scene=cliff, text="Jump", order=1, condition=parse_condition("luck > 12")
    )  # never: hidden, no reason given
    Choice.objects.create(scenario=story, from_scene=tower, to_scene=quay, text="Go down", order=2)
    return Scenario.objects.get(pk=story.pk)


def choice(story, text):
    return Choice.objects.get(scenario=story, text=text)


def shown(progress):
    story = selectors.load_story(progress.scenario)
    return [
        (verdict.choice.text, verdict.available, verdict.reason)
        for verdict in selectors.choices_for_player(progress, story)
    ]


def test_a_player_starts_with_the_declared_values_and_the_start_scenes_effects(vault, player):
    progress = start_progress(player=player, scenario=vault)
    start = Scene.objects.get(scenario=vault, title="Quay")
    assert progress.state == {"variables": {"oil": 3, "luck": 0}, "items": [], "visits": {str(start.pk): 1}}
    assert progress.history[0].state == {"variables": {"oil": 3, "luck": 0}, "items": []}


def test_effects_apply_on_the_choice_then_on_arrival_and_each_step_keeps_its_state(vault, player):
    progress = start_progress(player=player, scenario=vault)
    progress = choose(player=player, progress=progress, choice=choice(vault, "Climb"))
    luck = parse_dice("2d6").roll(dice_for(progress.seed, 1))
    assert progress.state["variables"] == {"oil": 2, "luck": luck}
    assert progress.state["items"] == ["brass key"]
    assert progress.history[-1].state == {"variables": progress.state["variables"], "items": ["brass key"]}
    assert PlayerProgress.objects.get(pk=progress.pk).state == progress.state


def test_a_choice_whose_condition_fails_is_refused_with_the_authors_reason_and_changes_nothing(vault, player):
    progress = start_progress(player=player, scenario=vault)
    progress = choose(player=player, progress=progress, choice=choice(vault, "Climb"))
    assert shown(progress) == [
        ("Open the vault", False, "You need the key and oil for the lamp."),
        ("Go down", True, ""),
    ]
    before = database_snapshot()
    with pytest.raises(StoryRuleError, match="You need the key and oil for the lamp."):
        choose(player=player, progress=progress, choice=choice(vault, "Open the vault"))
    with pytest.raises(StoryRuleError, match="That choice is not available now."):
        choose(player=player, progress=progress, choice=choice(vault, "Jump"))
    with pytest.raises(StoryRuleError, match="You need the key"):
        advance(player=player, progress=progress, to_scene=Scene.objects.get(title="Vault"))
    assert database_snapshot() == before


def test_meeting_the_condition_opens_the_choice(vault, player):
    progress = start_progress(player=player, scenario=vault)
    for label in ("Climb", "Go down", "Climb"):  # oil 3 → 2, back at the quay +2 → 4 (max 5), climb → 3
        progress = choose(player=player, progress=progress, choice=choice(vault, label))
    assert progress.state["variables"]["oil"] == 3
    assert ("Open the vault", True, "") in shown(progress)
    progress = choose(player=player, progress=progress, choice=choice(vault, "Open the vault"))
    assert progress.is_completed and progress.current_scene.title == "Vault"


def test_going_back_restores_the_state_exactly(vault, player):
    progress = start_progress(player=player, scenario=vault)
    at_start = dict(progress.state)
    progress = choose(player=player, progress=progress, choice=choice(vault, "Climb"))
    progress = go_back(player=player, progress=progress, steps=1)
    assert progress.state == at_start
    assert PlayerProgress.objects.get(pk=progress.pk).state == at_start


def test_the_steps_keep_variables_and_items_and_the_visits_come_from_the_path(vault, player):
    """A history entry holds no visit counts (they made a long play's document grow with steps × scenes, up to
    MongoDB's 16 MB); going back counts the path's scenes again and gives exactly the visits it had."""
    progress = start_progress(player=player, scenario=vault)
    states = [progress.state]
    for label in ("Climb", "Go down", "Climb", "Go down"):
        progress = choose(player=player, progress=progress, choice=choice(vault, label))
        states.append(progress.state)
    stored = PlayerProgress.objects.get(pk=progress.pk)
    assert all(set(step.state) == {"variables", "items"} for step in stored.history)
    quay, tower = (str(Scene.objects.get(scenario=vault, title=title).pk) for title in ("Quay", "Tower"))
    assert states[-1]["visits"] == {quay: 3, tower: 2}
    for back in (1, 2, 1):
        progress = go_back(player=player, progress=progress, steps=back)
        assert PlayerProgress.objects.get(pk=progress.pk).state == states[len(progress.history) - 1]
    assert progress.state["visits"] == {quay: 1}


def test_going_back_does_not_reroll_the_dice_unless_the_author_allows_it(vault, player):
    progress = start_progress(player=player, scenario=vault)
    PlayerProgress.objects.filter(pk=progress.pk).update(seed=7)
    progress = PlayerProgress.objects.get(pk=progress.pk)
    rolls = []
    for _ in range(3):
        progress = choose(player=player, progress=progress, choice=choice(vault, "Climb"))
        rolls.append(progress.state["variables"]["luck"])
        progress = go_back(player=player, progress=progress, steps=1)
    assert len(set(rolls)) == 1

    Scenario.objects.filter(pk=vault.pk).update(allow_rerolls=True)
    progress = PlayerProgress.objects.get(pk=progress.pk)
    expected = [parse_dice("2d6").roll(dice_for(7, step)) for step in (7, 9)]
    rolled = []
    for _ in range(2):
        progress = choose(player=player, progress=progress, choice=choice(vault, "Climb"))
        rolled.append(progress.state["variables"]["luck"])
        progress = go_back(player=player, progress=progress, steps=1)
    assert rolled == expected


def test_conditions_the_engine_cannot_read_leave_the_choice_available(story, author, player):
    """Old data: the old backend stored conditions it never evaluated."""
    Choice.objects.filter(scenario=story, text="Go down").update(condition={"has": "rope"})
    published = publish_scenario(editor=author, scenario=story)
    progress = start_progress(player=player, scenario=published)
    progress = choose(player=player, progress=progress, choice=Choice.objects.get(text="Go down"))
    assert progress.current_scene.title == "Middle"


def test_progress_from_before_a_variable_was_declared_gets_its_initial_value(vault, player, author):
    progress = start_progress(player=player, scenario=vault)
    declarations.declare_variable(editor=author, scenario=vault, name="torches", kind="number", initial=2)
    Choice.objects.filter(text="Climb").update(effects=parse_effects("torches -= 1"))
    progress = PlayerProgress.objects.get(pk=progress.pk)
    progress = choose(player=player, progress=progress, choice=choice(vault, "Climb"))
    assert progress.state["variables"]["torches"] == 1
