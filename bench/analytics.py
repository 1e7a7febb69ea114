"""The Players page (issue 19) at 1,000 and 10,000 players: time and MongoDB commands of the whole page.

Two copies of one generated 40-scene story, one with 1,000 and one with 10,000 players' progress documents
(random walks from the start along the choices, each player stopping, finishing or still playing; dates over
60 days; 5 % preview plays and the author's own, which the figures leave out), inserted in bulk (user ids
only: the page reads no player account), then counted once into the story's counters, as migration 0014 and
`manage.py rebuild_player_figures` do. For each, side by side in this run:
  - the page through Django's test client, its figures added up in the request (ANALYTICS_CACHE_SECONDS=0):
    the counters of every start day (one `find`), median of a few fetches, and its commands;
  - the page with its figures kept in Redis (the default);
  - the same figures from the players' progress, one aggregation pipeline over every document (how the page
    counted before the counters; what a range's parts of a day still use): its time, and that the figures are
    the same;
  - the cost of counting as players play: 100 steps of real players (start, choose) through the progress
    service, with and without the counters' `$inc`.
Goals: the same commands at both sizes; the page at 10,000 players under 1 s on the embedded server; its time
growing no faster than the number of documents.

    .venv/bin/python bench/analytics.py
"""

import os
import random
import statistics
import time
from datetime import timedelta

import sys

from _embedded import ROOT, start_embedded_mongo, start_embedded_redis

sys.path.insert(0, str(ROOT))
from tests import command_count  # noqa: E402

SCENES = 40
UNIQUE = "one_progress_per_player_and_story"
RUNS = 5
STEPS = 100


def build_story(author, title, rng):
    """Chapters of scenes, each with two or three choices onward (sometimes back); the last four are endings."""
    from story_admin.models import Choice, Scenario, Scene

    scenario = Scenario.objects.create(
        title=title, slug=title.lower().replace(" ", "-"), author=author, is_published=True
    )
    scenes = Scene.objects.bulk_create(
        Scene(
            scenario=scenario,
            title=f"Scene {index}",
            order=index,
            is_start_scene=index == 0,
            is_end_scene=index >= SCENES - 4,
        )
        for index in range(SCENES)
    )
    choices = []
    for index, scene in enumerate(scenes[:-4]):
        targets = {min(index + step, SCENES - 1) for step in (1, 2, rng.randint(3, 6))}
        if index > 3 and rng.random() < 0.3:
            targets.add(index - 2)
        choices += [
            Choice(scenario=scenario, from_scene=scene, to_scene=scenes[target], text=f"To {target}", order=order)
            for order, target in enumerate(sorted(targets))
        ]
    Choice.objects.bulk_create(choices)
    return scenario, scenes, list(Choice.objects.filter(scenario=scenario))


def players(scenario, scenes, choices, count, rng, author):
    """`count` real players, plus 5 % preview plays and the author's own play."""
    from bson import ObjectId
    from django.utils import timezone

    from tests.players import progress_document

    leaving = {}
    for choice in choices:
        leaving.setdefault(choice.from_scene_id, []).append(choice)
    now = timezone.now()
    documents = []
    for number in range(count + count // 20 + 1):
        path, scene = [], scenes[0]
        while not scene.is_end_scene and rng.random() > 0.06 and len(path) < 60:
            choice = rng.choice(leaving[scene.pk])
            path.append(choice)
            scene = choice.to_scene
        started = now - timedelta(days=rng.uniform(0, 60))
        last_move = started + timedelta(seconds=20 * len(path))
        documents.append(
            progress_document(
                scenario=scenario,
                user_id=author.pk if number == count else ObjectId(),
                path=path,
                start=scenes[0],
                started_at=started,
                updated_at=min(last_move, now),
                seconds=rng.randint(15, 45) * len(path),
                preview=number > count,
            )
        )
    return documents


def insert_without_unique_check(documents):
    """Bulk inserts into this throw-away database, without the (player, story) unique index.

    mongoeco checks a compound unique index on each insert at a cost that grows with the collection
    (measured: 100 progress documents in 7.8 s with it, 1.1 s without, on a loaded 2-core machine), and
    building it again over 11,000 documents outlasts the driver's 20 s timeout; the generated players are
    unique by construction, and no pipeline of the page reads that index.
    """
    from django.db import connection

    collection = connection.get_collection("player_progress")
    if UNIQUE in collection.index_information():
        collection.drop_index(UNIQUE)
    for begin in range(0, len(documents), 500):
        collection.insert_many(documents[begin : begin + 500])


def measure(client, url, runs):
    from tests.command_count import counting

    times = []
    for _ in range(runs):
        with counting() as commands:
            began = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), commands, response.content.decode()


def from_the_progress(scenario):
    """The figures from every player's progress, one aggregate (the page's way before the counters), and its time."""
    from django.utils import timezone

    from story_admin.analytics import counters, figures

    idle_before = counters.hour_of(timezone.now() - timedelta(days=7))
    began = time.perf_counter()
    counted = figures.from_the_progress(scenario, since=None, until=None, idle_before=idle_before)
    seconds = time.perf_counter() - began
    kept = counters.read(scenario.pk, first=None, last=None, idle_before=idle_before)
    assert kept == counted, "the counters and the pipeline do not count the same figures"
    return seconds


def steps(scenario, choices, *, counting_them: bool) -> float:
    """STEPS steps of new real players (a start, then one choice each: STEPS / 2 players), in seconds."""
    from unittest import mock

    from story_admin.analytics import counters
    from story_admin.models import Role, User
    from story_admin.services import progress as play

    first = [choice for choice in choices if choice.from_scene.is_start_scene]
    players = [
        User.objects.create_user(f"bench-{counting_them}-{number}@example.com", role=Role.PLAYER)
        for number in range(STEPS // 2)
    ]
    unchanged = counters.moved if counting_them else (lambda *args, **kwargs: None)
    with mock.patch.object(counters, "moved", unchanged):
        began = time.perf_counter()
        for number, player in enumerate(players):
            progress = play.start_progress(player=player, scenario=scenario)
            play.choose(player=player, progress=progress, choice=first[number % len(first)])
        return time.perf_counter() - began


def main():
    command_count.listen()
    start_embedded_redis()
    # The embedded server runs one command at a time: while a long aggregate runs, pymongo's monitor gets no
    # answer and, after connectTimeoutMS (20 s by default), cancels the operation. Wait as long as it takes.
    os.environ["MONGODB_URI"] = start_embedded_mongo() + "?connectTimeoutMS=900000&socketTimeoutMS=900000"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from story_admin.analytics import counters
    from story_admin.models import Role, User

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    rng = random.Random(19)
    author = User.objects.create_user("bench-author@example.com", "long enough password 1", role=Role.AUTHOR)
    client = Client()
    client.force_login(author)
    results = {}
    for count in (1_000, 10_000):
        scenario, scenes, choices = build_story(author, f"Bench {count}", rng)
        documents = players(scenario, scenes, choices, count, rng, author)
        began = time.perf_counter()
        insert_without_unique_check(documents)
        inserted = time.perf_counter() - began
        began = time.perf_counter()
        counters.rebuild([scenario.pk])
        rebuilt = time.perf_counter() - began
        print(
            f"{count:>6} players: {len(documents)} documents inserted in {inserted:.1f} s, "
            f"counted once (rebuild) in {rebuilt:.1f} s",
            flush=True,
        )
        client.get(reverse("studio:dashboard"))  # warm: session, templates
        url = reverse("studio:players", args=[scenario.pk])
        settings.ANALYTICS_CACHE_SECONDS = 0
        page_time, page_commands, page = measure(client, url, RUNS)
        assert f"Started</dt><dd>{count}</dd>" in page, "the page does not count the players it should"
        settings.ANALYTICS_CACHE_SECONDS = 300
        measure(client, url, 1)
        cached, _cached_commands, _page = measure(client, url, RUNS)
        pipeline = from_the_progress(scenario)
        results[count] = (page_time, page_commands, pipeline)
        print(
            f"        the page, counted in the request: {page_time * 1000:.0f} ms (median of {RUNS}), "
            f"{len(page_commands)} commands: {', '.join(page_commands)}"
        )
        print(f"        the page, figures kept: {cached * 1000:.0f} ms")
        print(
            f"        the same figures from every player's progress (one aggregate, as before): {pipeline:.1f} s, "
            f"{pipeline / page_time:.0f}x the page",
            flush=True,
        )
    without = steps(scenario, choices, counting_them=False)
    with_counters = steps(scenario, choices, counting_them=True)
    (small, small_commands, small_pipeline), (large, large_commands, large_pipeline) = results[1_000], results[10_000]
    print()
    print(
        f"{STEPS} players' steps: {with_counters * 1000 / STEPS:.1f} ms a step counted, "
        f"{without * 1000 / STEPS:.1f} ms without the counters ({with_counters / without:.2f}x)"
    )
    print(f"the page: {small * 1000:.0f} ms at 1,000 players, {large * 1000:.0f} ms at 10,000")
    print(
        f"from every player's progress (before): {small_pipeline:.1f} s at 1,000, {large_pipeline:.1f} s at 10,000 "
        f"(the page now {small_pipeline / small:.0f}x and {large_pipeline / large:.0f}x faster)"
    )
    print(f"commands of the page: {len(small_commands)} at 1,000, {len(large_commands)} at 10,000")
    print(f"goal (same commands at both sizes): {'met' if small_commands == large_commands else 'NOT met'}")
    ratio = large / small
    print(
        f"goal (time growing no faster than the documents, ratio <= 10): {'met' if ratio <= 10 else 'NOT met'} ({ratio:.1f})"
    )
    print(f"goal (the page at 10,000 players < 1 s): {'met' if large < 1 else 'NOT met'} ({large:.3f} s)")


if __name__ == "__main__":
    main()
