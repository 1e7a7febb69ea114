"""What story state costs: conditions evaluated for one player, and a player's step with and without state.

Two 500-scene stories in a ring (scene i leads to i+1, the last back to the first), one bare and one with
state: every choice has a condition (`gold >= 0 and not cursed`) and an effect (`gold += 1`), every tenth
scene rolls `luck = 2d6` on arrival. Prints:
- the cost of evaluating every choice's condition of the stateful story for one player;
- a 1,000-step play-through of each story through the API (makeChoice, as the players' app sends it),
  run side by side in blocks of 50 steps, per-step cost and the ratio (goal: state adds under 20 %).

    .venv/bin/python bench/state.py [--scenes 500] [--steps 1000]
"""

import argparse
import json
import statistics
import sys
import time

from _embedded import setup_django, start_embedded_redis

CHOOSE = """mutation($s: ID!, $c: ID!) { makeChoice(scenarioId: $s, choiceId: $c) { success message
  progress { currentSceneId { mongoId } availableChoices { available choice { mongoId } } } } }"""
START = "mutation($s: ID!) { startScenario(scenarioId: $s) { success message } }"


def build(author, *, scenes: int, stateful: bool):
    """Written in bulk (a bench fixture): the services' own checks are not what is measured here."""
    from story_admin.services.stories import create_scenario, publish_scenario
    from story_admin.models import Choice, Scene
    from story_admin.services.state import declare_variable
    from story_admin.state.expressions import parse_condition, parse_effects

    story = create_scenario(author=author, title=f"{'Stateful' if stateful else 'Bare'} ring")
    if stateful:
        declare_variable(editor=author, scenario=story, name="gold", kind="number", initial=0)
        declare_variable(editor=author, scenario=story, name="luck", kind="number", initial=0)
        declare_variable(editor=author, scenario=story, name="cursed", kind="flag", initial=False)
    condition = parse_condition("gold >= 0 and not cursed") if stateful else {}
    effects = parse_effects("gold += 1") if stateful else []
    roll = parse_effects("luck = 2d6") if stateful else []
    made = Scene.objects.bulk_create(
        [
            Scene(
                scenario=story,
                title=f"Scene {n}",
                text="A room.",
                order=n,
                is_start_scene=n == 0,
                position_x=n * 10,
                position_y=0,
                effects=roll if n % 10 == 0 else [],
            )
            for n in range(scenes)
        ]
    )
    Choice.objects.bulk_create(
        [
            Choice(
                scenario=story,
                from_scene=here,
                to_scene=made[(n + 1) % scenes],
                text="On",
                order=0,
                condition=condition,
                effects=effects,
            )
            for n, here in enumerate(made)
        ]
    )
    publish_scenario(editor=author, scenario=story)
    return story


def evaluate_every_condition(story, player):
    from story_admin.selectors import load_story
    from story_admin.state.play import availability, state_of
    from story_admin.state.schema import schema_of

    loaded = load_story(story)
    schema = schema_of(story)
    state = state_of({}, schema)
    started = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        available = sum(availability(choice, schema, state).available for choice in loaded.choices)
    elapsed = (time.perf_counter() - started) / rounds
    return len(loaded.choices), available, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=500)
    parser.add_argument("--steps", type=int, default=1000)
    args = parser.parse_args()
    start_embedded_redis()
    setup_django()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment
    from graphql_jwt.shortcuts import get_token

    from story_admin.models import Choice, Role, User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    author = User.objects.create_user("state-author@example.com", None, role=Role.AUTHOR)
    player = User.objects.create_user("state-player@example.com", None, role=Role.PLAYER)
    stories = {
        "bare": build(author, scenes=args.scenes, stateful=False),
        "state": build(author, scenes=args.scenes, stateful=True),
    }

    choices, available, per_round = evaluate_every_condition(stories["state"], player)
    print(
        f"conditions of every choice for one player: {choices} choices ({available} available) "
        f"in {per_round * 1000:.1f} ms, {per_round / choices * 1e6:.1f} µs each"
    )

    client, token = Client(), get_token(player)
    leaving = {
        kind: {str(choice.from_scene_id): str(choice.pk) for choice in Choice.objects.filter(scenario=story)}
        for kind, story in stories.items()
    }

    def post(query, variables):
        response = client.post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"JWT {token}",
        )
        payload = next(iter(response.json()["data"].values()))
        if not payload["success"]:
            raise SystemExit(f"refused: {payload['message']}")
        return payload

    current = {}
    for kind, story in stories.items():
        post(START, {"s": str(story.pk)})
        current[kind] = str(story.scenes.get(is_start_scene=True).pk)
    timings = {kind: [] for kind in stories}
    block = 50
    for _ in range(args.steps // block):
        for kind, story in stories.items():
            for _ in range(block):
                started = time.perf_counter()
                payload = post(CHOOSE, {"s": str(story.pk), "c": leaving[kind][current[kind]]})
                timings[kind].append(time.perf_counter() - started)
                current[kind] = payload["progress"]["currentSceneId"]["mongoId"]
            print(f"  {kind}: {len(timings[kind])} steps", file=sys.stderr, flush=True)
    bare, state = statistics.median(timings["bare"]), statistics.median(timings["state"])
    print(
        f"a step through the API ({len(timings['bare'])} steps each, side by side): "
        f"without state {bare * 1000:.1f} ms, with state {state * 1000:.1f} ms (median), ratio {state / bare:.2f}x"
    )
    ratio = state / bare
    print(f"goal (state adds under 20 % to a choice's cost): {'met' if ratio < 1.2 else 'NOT met'} ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
