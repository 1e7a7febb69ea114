"""Proofing with state: planted problems found with their code, path and probability; the cap reported."""

from fractions import Fraction

import pytest

from story_admin.analysis import analyse
from story_admin.analysis.sample import story_in_memory
from story_admin.validation import story_problems

FLAG = {"kind": "flag", "initial": False}


def codes(problems):
    return sorted(problem.code for problem in problems)


def ending(analysis, title):
    return next(result for result in analysis.endings if result.scene.title == title)


def test_a_key_locked_behind_its_own_door_leaves_the_vault_unreachable_and_says_which_condition():
    story = story_in_memory(
        items=["key"],
        scenes=[
            {"title": "Hall"},
            {"title": "Vault", "effects": 'gain "key"'},
            {"title": "Treasure", "end": True},
            {"title": "Exit", "end": True},
        ],
        choices=[
            ("Hall", "Vault", "Open the vault", 'has("key")'),
            ("Vault", "Treasure", "Take it"),
            ("Hall", "Exit", "Leave"),
        ],
    )
    analysis = analyse(story, playthroughs=0)
    assert analysis.complete
    problems = {problem.code: problem for problem in analysis.problems}
    assert problems["UNREACHABLE_WITH_STATE"].scene_id == story.scenes[1].pk
    assert 'has("key")' in problems["UNREACHABLE_WITH_STATE"].message
    assert problems["ENDING_UNREACHABLE"].scene_id == story.scenes[2].pk
    assert "CONDITION_ALWAYS_FALSE" in problems and problems["CONDITION_ALWAYS_FALSE"].choice_id == story.choices[0].pk
    assert not ending(analysis, "Treasure").reachable and ending(analysis, "Exit").probability == 1.0
    # the graph-only checks see nothing wrong; the story's problems list now does
    assert {"UNREACHABLE_WITH_STATE", "ENDING_UNREACHABLE"} <= set(codes(story_problems(story)))


def test_a_softlock_after_a_failed_roll_is_stuck_with_its_path_and_its_chance():
    story = story_in_memory(
        variables=[{"name": "roll", "kind": "number", "initial": 0}],
        scenes=[{"title": "Gate"}, {"title": "Wall", "effects": "roll = 1d6"}, {"title": "Top", "end": True}],
        choices=[("Gate", "Wall", "Climb"), ("Wall", "Top", "Pull up", "roll >= 3")],
    )
    analysis = analyse(story, playthroughs=0)
    stuck = [problem for problem in analysis.problems if problem.code == "STUCK"]
    assert len(stuck) == 1 and stuck[0].scene_id == story.scenes[1].pk
    assert "“Climb”" in stuck[0].message and "roll = 1" in stuck[0].message
    assert ending(analysis, "Top").probability == pytest.approx(4 / 6, abs=1e-12)


def test_an_ending_only_a_one_in_36_roll_reaches_has_probability_one_in_36_exactly():
    story = story_in_memory(
        variables=[{"name": "luck", "kind": "number", "initial": 0}],
        scenes=[
            {"title": "Table"},
            {"title": "Dice", "effects": "luck = 2d6"},
            {"title": "Jackpot", "end": True},
            {"title": "Home", "end": True},
        ],
        choices=[
            ("Table", "Dice", "Throw"),
            ("Dice", "Jackpot", "Collect", "luck == 12"),
            ("Dice", "Home", "Go home", "luck < 12"),
        ],
    )
    analysis = analyse(story, playthroughs=2000, seed=3)
    jackpot = ending(analysis, "Jackpot")
    assert jackpot.exact and jackpot.reachable
    assert Fraction(jackpot.probability).limit_denominator(1000) == Fraction(1, 36)
    assert jackpot.probability == pytest.approx(1 / 36, abs=1e-15)
    assert jackpot.min_steps == 2 and jackpot.median_steps == 2
    assert [step.choice.text for step in jackpot.path if step.choice] == ["Throw", "Collect"]
    assert jackpot.path[-1].state["variables"] == {"luck": 12}
    # playthroughs through the real rules agree with the chain within their error
    assert analysis.coverage.endings[jackpot.scene.pk] / 2000 == pytest.approx(1 / 36, abs=0.02)


def test_a_variable_never_set_a_variable_never_read_and_an_item_never_gained():
    story = story_in_memory(
        variables=[{"name": "courage", **FLAG}, {"name": "gold", "kind": "number", "initial": 0, "visible": False}],
        items=["lamp"],
        scenes=[{"title": "Road", "effects": "gold += 1"}, {"title": "Inn", "end": True}],
        choices=[("Road", "Inn", "Rest", "not courage")],
    )
    problems = analyse(story, playthroughs=0).problems
    by_code = {problem.code: problem.message for problem in problems}
    assert "“courage” is never set" in by_code["VARIABLE_NEVER_SET"]
    assert "“gold”" in by_code["VARIABLE_NEVER_READ"]
    assert "“lamp” is never gained" in by_code["ITEM_NEVER_GAINED"]
    assert "CONDITION_ALWAYS_TRUE" in by_code


def test_a_loop_a_player_cannot_leave():
    story = story_in_memory(
        variables=[{"name": "lost", **FLAG}],
        scenes=[
            {"title": "Forest"},
            {"title": "Clearing", "effects": "lost = true"},
            {"title": "Thicket"},
            {"title": "Village", "end": True},
        ],
        choices=[
            ("Forest", "Clearing", "Wander"),
            ("Forest", "Village", "Take the road"),
            ("Clearing", "Thicket", "On"),
            ("Thicket", "Clearing", "Back"),
            ("Thicket", "Village", "Out", "not lost"),
        ],
    )
    analysis = analyse(story, playthroughs=0)
    loops = [problem for problem in analysis.problems if problem.code == "INESCAPABLE_LOOP"]
    assert len(loops) == 1 and "“Clearing”" in loops[0].message and "“Wander”" in loops[0].message
    assert ending(analysis, "Village").probability == pytest.approx(0.5)


def test_the_cap_is_honoured_and_reported_and_nothing_is_invented():
    story = story_in_memory(
        variables=[{"name": "steps", "kind": "number", "initial": 0}],
        scenes=[
            {"title": "Road", "effects": "steps += 1"},
            {"title": "Far", "end": True},
            {"title": "Never", "end": True},
        ],
        choices=[
            ("Road", "Road", "Walk on"),
            ("Road", "Far", "Stop", "steps > 100"),
            ("Road", "Never", "Give up", "steps < 0"),
        ],
    )
    analysis = analyse(story, max_states=30, playthroughs=200)
    assert not analysis.complete and analysis.states_explored == 30
    assert analysis.summary == "stopped after 30 states (the cap is 30)"
    assert not any(
        problem.code in {"ENDING_UNREACHABLE", "CHOICE_NEVER_AVAILABLE", "CONDITION_ALWAYS_FALSE"}
        for problem in analysis.problems
    )
    far = ending(analysis, "Far")
    assert not far.exact and far.probability_error > 0


def test_a_story_without_state_gives_exactly_the_graph_problems():
    story = story_in_memory(
        scenes=[{"title": "A"}, {"title": "B"}, {"title": "C", "end": True}, {"title": "D"}],
        choices=[("A", "B", "On"), ("A", "C", "End")],
    )
    assert codes(story_problems(story)) == ["dead_end", "dead_end", "unreachable"]


def test_the_problems_list_says_when_its_state_check_stopped_and_invents_nothing(settings):
    settings.ANALYSIS_PROBLEMS_MAX_STATES = 10
    story = story_in_memory(
        variables=[{"name": "steps", "kind": "number", "initial": 0}],
        scenes=[
            {"title": "Road", "effects": "steps += 1"},
            {"title": "Far", "end": True},
            {"title": "Never", "end": True},
        ],
        choices=[
            ("Road", "Road", "Walk on"),
            ("Road", "Far", "Stop", "steps > 100"),
            ("Road", "Never", "Give up", "steps < 0"),
        ],
    )
    problems = story_problems(story)
    assert codes(problems) == ["ANALYSIS_INCOMPLETE"]
    assert "stopped after 10 states" in next(p.message for p in problems if p.code == "ANALYSIS_INCOMPLETE")
