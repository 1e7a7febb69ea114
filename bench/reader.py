"""A choice answered by the reading site, beside GraphQL `makeChoice` for the same step of the demo story.

The step is the demo story's first choice (« Monter réparer la lanterne »), taken again and again from the
start, in alternating blocks so both sides see the same machine. Server time, in-process Django test client on
the embedded database. Prints the median of:
- the reader, signed in, as htmx sends it (the next scene answered in place), and as a plain form post
  (the post and the page its redirect loads);
- the reader for a guest (progress in the session), htmx;
- GraphQL makeChoice for a signed-in player (JWT), with the fields a players' app asks for the next scene;
and the ratio reader / GraphQL, and the MongoDB commands each sends (pymongo's command monitoring), with the goal
lines: a choice answered by the reader in under 100 ms (issue 19), makeChoice in at most 4 commands (issue 14).

    .venv/bin/python bench/reader.py [--rounds 200] [-v]
"""

import argparse
import json
import statistics
import sys
import time

from _embedded import setup_django, start_embedded_redis

from tests import command_count

CHOOSE = """mutation($s: ID!, $c: ID!) { makeChoice(scenarioId: $s, choiceId: $c) { success message
  progress { currentSceneId { mongoId } isCompleted state availableChoices { available reason choice { mongoId text } } } } }"""
RESET = "mutation($s: ID!) { resetProgress(scenarioId: $s) { success message } }"
LABEL = "Monter réparer la lanterne"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("-v", action="store_true", help="list the commands of each step")
    args = parser.parse_args()
    command_count.listen()  # before the first MongoClient
    start_embedded_redis()
    setup_django()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from graphql_jwt.shortcuts import get_token

    from story_admin.services.progress import start_progress
    from story_admin.demo import ensure_demo
    from story_admin.models import Choice, Role, User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    story, _ = ensure_demo()
    choice = Choice.objects.get(scenario=story, text=LABEL)
    player = User.objects.create_user("reader-bench@example.com", None, role=Role.PLAYER)
    api_player = User.objects.create_user("api-bench@example.com", None, role=Role.PLAYER)
    choose_url, restart_url = reverse("reader:choose", args=[story.slug]), reverse("reader:restart", args=[story.slug])
    form = {"to": str(choice.to_scene_id), "choice": str(choice.pk)}  # what the choice's button posts

    reader, guest, api = Client(), Client(), Client()
    reader.force_login(player)
    token = get_token(api_player)

    def graphql(query):
        response = api.post(
            "/graphql/",
            json.dumps({"query": query, "variables": {"s": str(story.pk), "c": str(choice.pk)}}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"JWT {token}",
        )
        payload = next(iter(response.json()["data"].values()))
        if not payload["success"]:
            raise SystemExit(f"refused: {payload['message']}")

    def checked(response, status=200):
        if response.status_code != status:
            raise SystemExit(f"the reader answered {response.status_code}: {response.content[:300]!r}")
        return response

    def reader_htmx():
        checked(reader.post(choose_url, form, HTTP_HX_REQUEST="true"))

    def reader_plain():
        checked(reader.get(checked(reader.post(choose_url, form), 302)["Location"]))

    def guest_htmx():
        checked(guest.post(choose_url, form, HTTP_HX_REQUEST="true"))

    def makechoice():
        graphql(CHOOSE)

    resets = {
        "reader, htmx": lambda: start_progress(player=player, scenario=story, restart=True),
        "reader, plain form post + its page": lambda: start_progress(player=player, scenario=story, restart=True),
        "reader, guest (session), htmx": lambda: checked(guest.post(restart_url), 302),
        "GraphQL makeChoice": lambda: graphql(RESET),
    }
    steps = {
        "reader, htmx": reader_htmx,
        "reader, plain form post + its page": reader_plain,
        "reader, guest (session), htmx": guest_htmx,
        "GraphQL makeChoice": makechoice,
    }
    start_progress(player=player, scenario=story)
    start_progress(player=api_player, scenario=story)
    checked(guest.post(reverse("reader:start", args=[story.slug])), 302)

    timings = {name: [] for name in steps}
    block = 10
    for _ in range(max(args.rounds // block, 1)):
        for name, step in steps.items():
            for _ in range(block):
                resets[name]()
                started = time.perf_counter()
                step()
                timings[name].append(time.perf_counter() - started)
    commands = {}
    for name, step in steps.items():
        resets[name]()
        with command_count.counting() as sent:
            step()
        commands[name] = sent
    medians = {name: statistics.median(values) for name, values in timings.items()}
    api_time = medians["GraphQL makeChoice"]
    print(f"the demo story's first choice, {len(timings['GraphQL makeChoice'])} times each, median server time:")
    for name, value in medians.items():
        print(
            f"  {name:38s} {value * 1000:6.1f} ms   ratio to makeChoice {value / api_time:.2f}x"
            f"   {len(commands[name]):2d} commands"
        )
        if "-v" in sys.argv:
            print("      " + ", ".join(commands[name]))
    answered = medians["reader, htmx"]
    print(
        f"goal (a choice answered by the reader in under 100 ms server time): {'met' if answered < 0.1 else 'NOT met'} "
        f"({answered * 1000:.1f} ms, {len(commands['reader, htmx'])} commands)"
    )
    sent = len(commands["GraphQL makeChoice"])
    print(f"goal (GraphQL makeChoice in at most 4 commands): {'met' if sent <= 4 else 'NOT met'} ({sent} commands)")


if __name__ == "__main__":
    main()
