"""Proofing with state: figures in one run (no database: the stories are built in memory).

- the demo story (story_admin/demo.py's scenes, choices and state): complete analysis time (goal < 0.2 s) and
  10,000 random playthroughs (goal < 2 s);
- a generated 500-scene story with 10 flags and a 2d6 test: complete, or stopped honestly at the cap, in under
  10 s, with states explored per second and the cost of one state;
- a fixture with planted softlocks and state-unreachable scenes: how many the graph-only checks find vs the analysis.

Run: .venv/bin/python bench/analysis.py
"""

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from story_admin import demo  # noqa: E402
from story_admin.analysis import analyse, play_randomly  # noqa: E402
from story_admin.analysis.explore import explore  # noqa: E402
from story_admin.analysis.sample import story_in_memory  # noqa: E402
from story_admin.validation import story_problems  # noqa: E402


def goal(name: str, seconds: float, limit: float) -> None:
    print(f"  goal ({name} < {limit:g} s): {'met' if seconds < limit else 'NOT met'} ({seconds:.3f} s)")


def demo_story():
    titles = {key: title for key, title, *_ in demo.SCENES}
    return story_in_memory(
        scenes=[
            {"title": title, "end": bool(ending), "effects": demo.SCENE_EFFECTS.get(key, "")}
            for key, title, _text, _column, _row, ending in demo.SCENES
        ],
        choices=[
            (titles[origin], titles[target], label, condition) for origin, target, label, condition, _ in demo.CHOICES
        ],
        variables=demo.VARIABLES,
        items=[item["name"] for item in demo.ITEMS],
        title=demo.DEMO_TITLE,
    )


def generated_story(scenes: int = 500, flags: int = 10, seed: int = 7):
    """Chapters in a row: each scene leads on one or two scenes, some choices set a flag, some need one; one scene
    rolls 2d6 and the way on past it needs 7 or more (or a flag); the last two scenes are endings."""
    rng = random.Random(seed)
    names = [f"flag{number}" for number in range(flags)]
    spec = [{"title": f"S{index}", "end": index >= scenes - 2} for index in range(scenes)]
    spec[scenes // 2]["effects"] = "test = 2d6"
    choices = []
    for index in range(scenes - 2):
        after = min(index + 1, scenes - 1)
        further = min(index + 2, scenes - 1)
        if index == scenes // 2:
            choices.append((f"S{index}", f"S{after}", "Pass the test", "test >= 7 or flag0"))
            choices.append((f"S{index}", f"S{further}", "Go round", "test < 7"))
            continue
        flag = names[rng.randrange(flags)]
        choices.append(
            (f"S{index}", f"S{after}", f"On from {index}", "", f"{flag} = true" if rng.random() < 0.1 else "")
        )
        if rng.random() < 0.5:
            needed = names[rng.randrange(flags)]
            choices.append((f"S{index}", f"S{further}", f"Short cut {index}", needed if rng.random() < 0.3 else ""))
    return story_in_memory(
        scenes=spec,
        choices=choices,
        variables=[
            *({"name": name, "kind": "flag", "initial": False} for name in names),
            {"name": "test", "kind": "number", "initial": 0},
        ],
    )


def planted_story():
    """Four planted problems, each linked and each with choices, so the graph sees nothing wrong."""
    story = story_in_memory(
        variables=[
            {"name": "roll", "kind": "number", "initial": 0},
            {"name": "gold", "kind": "number", "initial": 0},
            {"name": "cursed", "kind": "flag", "initial": False},
        ],
        items=["key"],
        scenes=[
            {"title": "Hall"},
            {"title": "Vault", "effects": 'gain "key"'},
            {"title": "Treasure", "end": True},
            {"title": "Wall", "effects": "roll = 1d6"},
            {"title": "Top", "end": True},
            {"title": "Shrine", "effects": "cursed = true"},
            {"title": "Crypt"},
            {"title": "Market", "effects": "gold += 1"},
            {"title": "Palace"},
            {"title": "Throne", "end": True},
        ],
        choices=[
            ("Hall", "Vault", "Open the vault", 'has("key")'),
            ("Vault", "Treasure", "Take it"),
            ("Hall", "Wall", "Climb the wall"),
            ("Wall", "Top", "Pull up", "roll >= 3 and gold >= 0"),
            ("Hall", "Shrine", "Pray"),
            ("Shrine", "Crypt", "Go down"),
            ("Crypt", "Top", "Out", "not cursed"),
            ("Hall", "Market", "Trade"),
            ("Market", "Palace", "Bribe the guard", "gold >= 5"),
            ("Market", "Top", "Leave the market", "gold >= 0 and roll >= 0"),
            ("Palace", "Throne", "Sit"),
            ("Vault", "Hall", "Back", "gold >= 0"),
        ],
    )
    planted = {
        ("UNREACHABLE_WITH_STATE", "Vault"),
        ("ENDING_UNREACHABLE", "Treasure"),
        ("STUCK", "Wall"),
        ("STUCK", "Crypt"),
        ("UNREACHABLE_WITH_STATE", "Palace"),
        ("ENDING_UNREACHABLE", "Throne"),
    }
    return story, planted


def found(story, problems, planted) -> int:
    titles = {scene.pk: scene.title for scene in story.scenes}
    seen = {(problem.code, titles.get(problem.scene_id)) for problem in problems}
    return len(planted & seen)


def main() -> None:
    print("Demo story:", demo.DEMO_TITLE)
    story = demo_story()
    analyse(story, playthroughs=0)  # parses the dice once, as a running server has
    started = time.perf_counter()
    analysis = analyse(story, playthroughs=0)
    seconds = time.perf_counter() - started
    print(f"  analysis: {analysis.summary} in {seconds:.3f} s")
    goal("complete analysis", seconds, 0.2)
    started = time.perf_counter()
    coverage = play_randomly(story, players=10_000, seed=1)
    seconds = time.perf_counter() - started
    print(f"  10,000 playthroughs in {seconds:.3f} s ({10_000 / seconds:,.0f} per second)")
    goal("10,000 playthroughs", seconds, 2.0)
    for ending in analysis.endings:
        share = coverage.endings[ending.scene.pk] / coverage.players
        print(f"    {ending.scene.title}: exact {ending.probability:.4f}, playthroughs {share:.4f}")

    print("Generated story: 500 scenes, 10 flags, a 2d6 test")
    story = generated_story()
    started = time.perf_counter()
    # the time cap is checked between states: a little under the goal, so a stopped run still ends within it
    exploration = explore(
        story, max_states=settings.ANALYSIS_MAX_STATES, max_seconds=min(settings.ANALYSIS_MAX_SECONDS, 9.5)
    )
    seconds = time.perf_counter() - started
    state = "complete" if exploration.complete else exploration.stopped_reason
    print(
        f"  {state}: {exploration.states_explored} states in {seconds:.2f} s, "
        f"{exploration.states_explored / seconds:,.0f} states/s, {seconds / exploration.states_explored * 1e6:.0f} µs "
        "per state"
    )
    goal("500-scene exploration, complete or honestly stopped", seconds, 10.0)

    print("Planted problems (softlocks, state-unreachable scenes and endings)")
    story, planted = planted_story()
    graph = [problem for problem in story_problems(story) if problem.code.islower()]
    analysis = analyse(story, playthroughs=0)
    print(
        f"  planted: {len(planted)}; graph-only checks find {found(story, graph, planted)}; "
        f"the analysis finds {found(story, analysis.problems, planted)} ({analysis.summary})"
    )
    print(
        f"  goal (the analysis finds every planted one): "
        f"{'met' if found(story, analysis.problems, planted) == len(planted) else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
