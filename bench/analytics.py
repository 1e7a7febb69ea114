"""The Players page (issue 19) at 1,000 and 10,000 players: time and MongoDB commands of the whole page.

Two copies of one generated 40-scene story, one with 1,000 and one with 10,000 players' progress documents
(random walks from the start along the choices, each player stopping, finishing or still playing; dates over
60 days; 5 % preview plays and the author's own, which the figures leave out), inserted in bulk (user ids
only: the page reads no player account). The page is fetched through Django's test client with the figures' cache off (ANALYTICS_CACHE_SECONDS=0), so each fetch
runs the aggregation. Goals: the same number of commands at both sizes; time growing no faster than the
number of documents (ratio <= 10); under 1 s at 10,000 players on the embedded server.

    .venv/bin/python bench/analytics.py
"""

import os
import random
import statistics
import sys
import time
from datetime import timedelta

from _embedded import ROOT, start_embedded_mongo, start_embedded_redis

sys.path.insert(0, str(ROOT))
from tests import command_count  # noqa: E402

SCENES = 40
UNIQUE = "one_progress_per_player_and_story"
RUNS = 3


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

    from tests.players import insert_progress

    collection = connection.get_collection("player_progress")
    if UNIQUE in collection.index_information():
        collection.drop_index(UNIQUE)
    insert_progress(documents, batch=500)


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

    from story_admin.models import Role, User

    settings.ANALYTICS_CACHE_SECONDS = 0
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
        print(
            f"{count:>6} players: {len(documents)} documents inserted in {time.perf_counter() - began:.1f} s",
            flush=True,
        )
        runs = RUNS if count <= 1_000 else 1  # one run at 10,000: it takes minutes on a loaded 2-core machine
        client.get(reverse("studio:dashboard"))  # warm: session, templates
        seconds, commands, page = measure(client, reverse("studio:players", args=[scenario.pk]), runs)
        assert f"Started</dt><dd>{count}</dd>" in page, "the page does not count the players it should"
        results[count] = (seconds, commands)
        print(
            f"        Players page: {seconds * 1000:.0f} ms (median of {runs}), {len(commands)} commands: "
            f"{', '.join(commands)}"
        )
    (small, small_commands), (large, large_commands) = results[1_000], results[10_000]
    ratio = large / small
    print()
    print(f"commands: {len(small_commands)} at 1,000 players, {len(large_commands)} at 10,000")
    print(f"time: {small * 1000:.0f} ms at 1,000, {large * 1000:.0f} ms at 10,000, ratio {ratio:.1f} (documents x10)")
    print(f"goal (same commands at both sizes): {'met' if len(small_commands) == len(large_commands) else 'NOT met'}")
    print(f"goal (time ratio <= 10, no faster than the documents): {'met' if ratio <= 10 else 'NOT met'} ({ratio:.1f})")
    print(f"goal (10,000 players < 1 s): {'met' if large < 1 else 'NOT met'} ({large:.3f} s)")


if __name__ == "__main__":
    main()
