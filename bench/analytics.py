"""The Players page (issue 19) at 1,000 and 10,000 players: time and MongoDB commands of the whole page.

Two copies of one generated 40-scene story, one with 1,000 and one with 10,000 players' progress documents
(random walks from the start along the choices, each player stopping, finishing or still playing; dates over
60 days; 5 % preview plays and the author's own, which the figures leave out), inserted in bulk (user ids
only: the page reads no player account). For each, through Django's test client, with the figures kept in
Redis and every story counted by the job (ANALYTICS_JOB_PLAYERS=1):
  - the first visit: the page answers at once with the progress bar (the job queued);
  - the job: the figures counted slice by slice (an in-process rq worker, as the `default` worker runs it);
  - the cached answer: the page with the kept figures (median of a few fetches).
With `--direct`, also the page counting in the request (ANALYTICS_CACHE_SECONDS=0), as before the job; with
`--without-shims`, also the job with the embedded server's aggregation shims 12 to 18 off (before/after, same
figures).
Goals: the cached answer in well under 1 s at both sizes, with the same commands; the job's time growing no
faster than the number of documents; the first figures (the job) at 10,000 players under 1 s (not met on the
embedded server: with shim 18 it no longer decodes the parts of a document the figures do not read, but mongoeco
interprets each stage per document in Python, ~0.2 ms per document and stage; and each command scans the whole
collection's JSON in SQLite, ~0.2 s at 11,500 documents, once per slice).

    .venv/bin/python bench/analytics.py [--direct] [--without-shims]
"""

import os
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

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


def run_the_job():
    """What the `default` worker does, in this process; its time in seconds."""
    import django_rq
    from rq import SimpleWorker

    began = time.perf_counter()
    SimpleWorker([django_rq.get_queue("default")], connection=django_rq.get_connection("default")).work(
        burst=True, logging_level="WARNING"
    )
    return time.perf_counter() - began


def job_without_shims(client, url):
    """The job again with the embedded server's aggregation shims 12 to 18 off (as before them): its time, and the
    page it leads to (without the time it was counted at)."""
    from story_admin import background
    from studio.embedded import mongo

    background.connection().flushdb()
    client.get(url)  # queues the job again
    mongo.use_aggregation_shims(False)
    try:
        seconds = run_the_job()
    finally:
        mongo.use_aggregation_shims(True)
    return seconds, without_time(client.get(url).content.decode())


def without_time(page):
    """The page without the time its figures were counted at (and the CSRF token, which may change)."""
    page = re.sub(r'<p class="hint computed-at">.*?</p>', "", page, flags=re.S)
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", page)


def main():
    command_count.listen()
    start_embedded_redis()
    # The embedded server runs one command at a time: while a long aggregate runs, pymongo's monitor gets no
    # answer and, after connectTimeoutMS (20 s by default), cancels the operation. Wait as long as it takes.
    os.environ["MONGODB_URI"] = start_embedded_mongo() + "?connectTimeoutMS=900000&socketTimeoutMS=900000"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import logging

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    logging.getLogger("rq").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from story_admin.models import Role, User

    settings.ANALYTICS_CACHE_SECONDS = 300
    settings.ANALYTICS_JOB_PLAYERS = 1
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
        client.get(reverse("studio:dashboard"))  # warm: session, templates
        url = reverse("studio:players", args=[scenario.pk])
        first, first_commands, page = measure(client, url, 1)
        assert "Counting the players" in page, "the first visit did not queue the job"
        job = run_the_job()
        cached, cached_commands, page = measure(client, url, RUNS)
        assert f"Started</dt><dd>{count}</dd>" in page, "the page does not count the players it should"
        print(f"        first visit (job queued, progress bar): {first * 1000:.0f} ms, {len(first_commands)} commands")
        print(f"        the job (slices of {settings.ANALYTICS_JOB_SLICE}): {job:.1f} s", flush=True)
        old_job = None
        if "--without-shims" in sys.argv:
            old_job, old_page = job_without_shims(client, url)
            if old_page != without_time(page):
                Path("/tmp/analytics-new.html").write_text(without_time(page))
                Path("/tmp/analytics-old.html").write_text(old_page)
                raise AssertionError("the figures differ without shims 12-18 (/tmp/analytics-{old,new}.html)")
            print(f"        the job without shims 12-18 (before): {old_job:.1f} s, {old_job / job:.1f}x", flush=True)
        results[count] = (cached, cached_commands, job, old_job)
        print(
            f"        cached answer: {cached * 1000:.0f} ms (median of {RUNS}), {len(cached_commands)} commands: "
            f"{', '.join(cached_commands)}"
        )
        if "--direct" in sys.argv:
            settings.ANALYTICS_CACHE_SECONDS = 0
            direct, direct_commands, _page = measure(client, url, 1)
            settings.ANALYTICS_CACHE_SECONDS = 300
            print(f"        counted in the request (no cache): {direct:.1f} s, {len(direct_commands)} commands")
    (small, small_commands, small_job, small_old), (large, large_commands, large_job, large_old) = (
        results[1_000],
        results[10_000],
    )
    print()
    print(f"cached answer: {small * 1000:.0f} ms at 1,000 players, {large * 1000:.0f} ms at 10,000")
    print(f"commands of the cached answer: {len(small_commands)} at 1,000, {len(large_commands)} at 10,000")
    print(f"job: {small_job:.1f} s at 1,000, {large_job:.1f} s at 10,000, ratio {large_job / small_job:.1f}")
    if small_old is not None:
        print(
            f"job before shims 12-18: {small_old:.1f} s at 1,000, {large_old:.1f} s at 10,000 "
            f"(now {small_old / small_job:.1f}x and {large_old / large_job:.1f}x faster)"
        )
    print(f"goal (same commands at both sizes): {'met' if len(small_commands) == len(large_commands) else 'NOT met'}")
    print(f"goal (cached answer at 10,000 players < 1 s): {'met' if large < 1 else 'NOT met'} ({large:.3f} s)")
    ratio = large_job / small_job
    print(f"goal (job time ratio <= 10, no faster than the documents): {'met' if ratio <= 10 else 'NOT met'}")
    print(
        f"goal (first figures, the job, at 10,000 players < 1 s): {'met' if large_job < 1 else 'NOT met'} "
        f"({large_job:.1f} s)"
    )


if __name__ == "__main__":
    main()
