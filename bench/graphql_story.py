"""Whole-story GraphQL query vs. the raw documents: time of `scenario(id)` over HTTP / pymongo + json.dumps.

Builds a 500-scene, 1,000-choice story on the embedded server, serves the site with a real
WSGI server on 127.0.0.1, and times, side by side in one run, the full `scenario(id)` query
through the HTTP stack and fetching the same documents with pymongo and `json.dumps`.
Goal (issue #14): 1.5x or better. With `--without-shims`, also the same query with the embedded server's
aggregation shims 12 to 16 off, rounds interleaved (before/after, same answer).

    .venv/bin/python bench/graphql_story.py [--scenes 500] [--rounds 5] [--without-shims]
"""

import argparse
import json
import statistics
import threading
import time
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

from _embedded import setup_django

QUERY = """query($id: ID!) { scenario(id: $id) { mongoId title description language tags isPublished
  scenesList { mongoId title text order isStartScene isEndScene endingKind position { x y }
    imageId { url } soundId { url } musicId { url }
    choices { mongoId text order condition toSceneId { mongoId } } } } }"""


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def build_story(scene_count: int):
    from story_admin.models import Choice, Role, Scenario, Scene, User

    author = User.objects.create_user("bench@example.com", "bench-password-1", role=Role.AUTHOR)
    scenario = Scenario.objects.create(title="Bench", slug="bench", author=author, is_published=True)
    scenes = Scene.objects.bulk_create(
        Scene(
            scenario=scenario,
            title=f"Scene {n}",
            text="Lorem ipsum dolor sit amet. " * 8,
            order=n,
            is_start_scene=n == 0,
            is_end_scene=n == scene_count - 1,
            position_x=n * 10.0,
        )
        for n in range(scene_count)
    )
    Choice.objects.bulk_create(
        Choice(
            scenario=scenario,
            from_scene=scene,
            to_scene=scenes[(index + step) % scene_count],
            text=f"Go {step}",
            order=step,
        )
        for index, scene in enumerate(scenes)
        for step in (1, 2)
    )
    return scenario


def serve():
    from django.core.wsgi import get_wsgi_application

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/graphql/"


def time_graphql(url: str, scenario_id: str, *, shims: bool = True) -> tuple[float, int]:
    from studio.embedded import mongo

    mongo.use_aggregation_shims(shims)
    body = json.dumps({"query": QUERY, "variables": {"id": scenario_id}}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    began = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        payload = response.read()
    elapsed = time.perf_counter() - began
    mongo.use_aggregation_shims(True)
    scenes = json.loads(payload)["data"]["scenario"]["scenesList"]
    return elapsed, len(scenes)


def time_pymongo(uri: str, database: str, scenario_id) -> tuple[float, int]:
    import pymongo

    with pymongo.MongoClient(uri) as client:
        db = client[database]
        began = time.perf_counter()
        scenario = db.scenarios.find_one({"_id": scenario_id})
        scenes = list(db.scenes.find({"scenario_id": scenario_id}))
        choices = list(db.choices.find({"scenario_id": scenario_id}))
        assets = list(db.assets.find({"scenario_id": scenario_id}))
        json.dumps({"scenario": scenario, "scenes": scenes, "choices": choices, "assets": assets}, default=str)
        return time.perf_counter() - began, len(scenes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--without-shims", action="store_true", help="also time the query with shims 12-16 off")
    args = parser.parse_args()
    uri = setup_django()
    from django.conf import settings

    scenario = build_story(args.scenes)
    url = serve()
    time_graphql(url, str(scenario.pk))  # warm up both paths
    time_pymongo(uri, settings.DATABASES["default"]["NAME"], scenario.pk)
    graphql_times, raw_times, unshimmed_times = [], [], []
    for _ in range(args.rounds):
        elapsed, count = time_graphql(url, str(scenario.pk))
        assert count == args.scenes
        graphql_times.append(elapsed)
        elapsed, count = time_pymongo(uri, settings.DATABASES["default"]["NAME"], scenario.pk)
        raw_times.append(elapsed)
        if args.without_shims:
            unshimmed_times.append(time_graphql(url, str(scenario.pk), shims=False)[0])
    graphql, raw = statistics.median(graphql_times), statistics.median(raw_times)
    print(f"story: {args.scenes} scenes, {2 * args.scenes} choices; median of {args.rounds} rounds")
    if unshimmed_times:
        unshimmed = statistics.median(unshimmed_times)
        print(f"  scenario(id), shims 12-16 off:{unshimmed * 1000:8.1f} ms  ({unshimmed / raw:.2f}x raw)")
    print(f"  scenario(id) over HTTP:       {graphql * 1000:8.1f} ms")
    print(f"  pymongo + json.dumps:         {raw * 1000:8.1f} ms")
    print(f"  ratio GraphQL / raw:          {graphql / raw:8.2f}x")
    print(
        f"goal (scenario(id) at {args.scenes} scenes within 1.5x raw): {'met' if graphql / raw <= 1.5 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
