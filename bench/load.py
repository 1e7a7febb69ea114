"""Load: 50 simulated users for two minutes against the `make run` web process, then a lost-write check.

Starts what `make run` starts for the web (the embedded MongoDB as its own process, then
`manage.py prepare_site` and `manage.py runserver --noreload`, on free loopback ports with
throw-away data), and runs locust headless in this process:
- authors (studio pages, session + CSRF as a browser): open their story's map, add scenes,
  rename them, move them, link them with choices;
- players (GraphQL with a JWT, as the players' app): read the published demo story, start it,
  make choices to an ending, start again.
It prints requests per second, median and 95th percentile latency per operation and failures,
then reads the database and checks that every write the server acknowledged is there, with
the content last acknowledged (scene titles, positions, choices, each player's current scene).
Accounts are made ready beforehand (sessions and tokens), so password hashing is not measured.

It runs the web process in both shapes in the same run, alternating (runserver, then gunicorn with gthread
workers as gunicorn.conf.py sizes them, then runserver again...), on the same embedded database, and prints
them side by side with the ratio gunicorn / runserver and the goal lines (the machine is shared, so the
ratio is what counts, not the absolute numbers).

    .venv/bin/python bench/load.py [--users 50] [--authors 20] [--duration 120] [--rounds 2]
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import pymongo  # noqa: E402
from bson import ObjectId  # noqa: E402
from locust import HttpUser, between, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.exception import StopUser  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.processes import free_port  # noqa: E402

# Run by `manage.py shell` against the fresh database: accounts, their sessions and tokens.
PREPARE = r"""
import json
from django.test import Client
from graphql_jwt.shortcuts import get_token
from story_admin.services.scenes import create_scene
from story_admin.services.stories import create_scenario
from story_admin.demo import DEMO_EMAIL
from story_admin.models import Role, Scenario, User

authors, players = [], []
for n in range(AUTHORS):
    user = User.objects.create_user(f"load-author-{n}@example.com", None, role=Role.AUTHOR)
    story = create_scenario(author=user, title=f"Load story {n}")
    start = create_scene(editor=user, scenario=story, title="Start", text="Where it begins.")
    browser = Client()
    browser.force_login(user)
    authors.append({"session": browser.cookies["sessionid"].value, "story": str(story.pk), "start": str(start.pk)})
for n in range(PLAYERS):
    user = User.objects.create_user(f"load-player-{n}@example.com", None, role=Role.PLAYER)
    players.append({"token": get_token(user), "id": str(user.pk)})
demo = Scenario.objects.get(author__email=DEMO_EMAIL)
print("PREPARED " + json.dumps({"authors": authors, "players": players, "story": str(demo.pk)}))
"""

STORY_QUERY = """query($id: ID!) { scenario(id: $id) { title startScene { mongoId }
  scenesList { mongoId title text isEndScene choices { mongoId text toSceneId { mongoId } } } } }"""
# A players' app offers the choices the server says are available (the demo story has state: a locked grotto,
# a dice test), so that is what these players pick from.
PROGRESS = "progress { currentSceneId { mongoId } isCompleted availableChoices { available choice { mongoId } } }"
START = "mutation($s: ID!) { startScenario(scenarioId: $s) { success message " + PROGRESS + " } }"
CHOOSE = "mutation($s: ID!, $c: ID!) { makeChoice(scenarioId: $s, choiceId: $c) { success message " + PROGRESS + " } }"
RESET = "mutation($s: ID!) { resetProgress(scenarioId: $s) { success message " + PROGRESS + " } }"
SCENE_ID = re.compile(r"/scenes/([0-9a-f]{24})/")


class Stack:
    """The embedded MongoDB and the web process as `make run` runs them, on throw-away data."""

    def __init__(self, authors: int, players: int):
        self.data = Path(tempfile.mkdtemp(prefix="bench-load-"))
        self.mongo_port, self.web_port = free_port(), free_port()
        self.env = {
            **os.environ,
            "MONGODB_URI": f"mongodb://127.0.0.1:{self.mongo_port}/",
            "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
            "LOG_LEVEL": "WARNING",
        }
        self.processes = []
        self.web = None
        self.authors, self.players = authors, players

    def manage(self, *arguments, log: str):
        output = (self.data / log).open("a")
        process = subprocess.Popen(
            [sys.executable, "manage.py", *arguments], cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def start(self) -> dict:
        self.manage(
            "embedded_mongo", "--port", str(self.mongo_port), "--path", str(self.data / "db.sqlite3"), log="mongo.log"
        )
        self.manage("prepare_site", log="web.log").wait(120)
        script = PREPARE.replace("AUTHORS", str(self.authors)).replace("PLAYERS", str(self.players))
        prepared = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(prepared.stdout.split("PREPARED ", 1)[1])

    def start_web(self, shape: str):
        """The web process in one shape: `runserver` (what `make run` starts) or `gunicorn` (production)."""
        self.web_port = free_port()
        log = (self.data / f"web-{shape}.log").open("a")
        if shape == "runserver":
            command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.web_port}", "--noreload"]
        else:
            gunicorn = str(Path(sys.executable).parent / "gunicorn")
            command = [gunicorn, "studio.wsgi:application", "--bind", f"127.0.0.1:{self.web_port}"]
        self.web = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.web_port), timeout=1).close()
                return
            except OSError:
                if self.web.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"The web process did not start: see {log.name}") from None
                time.sleep(0.2)

    def stop_web(self):
        self.web.terminate()
        self.web.wait(40)
        self.web = None

    def stop(self):
        if self.web is not None:
            self.stop_web()
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            process.wait(20)


class Acknowledged:
    """What the server said it saved, to be found in the database at the end."""

    scenes: dict[str, dict] = {}  # scene id -> {"story", "title", "x", "y"}
    choices: list[tuple[str, str, str]] = []  # (from scene, to scene, label)
    progress: dict[str, str] = {}  # player id -> current scene id


class Author(HttpUser):
    """An author in the studio: the map, then edits of their own story."""

    weight = 2
    wait_time = between(0.5, 2)
    accounts: list[dict] = []
    labels = itertools.count(1)

    def on_start(self):
        if not self.accounts:
            raise StopUser()
        account = self.accounts.pop()
        self.story, start = account["story"], account["start"]
        self.client.cookies.set("sessionid", account["session"])
        self.scenes = [start]
        # A later phase reuses the account: its start scene keeps the title an earlier phase acknowledged.
        Acknowledged.scenes.setdefault(start, {"story": self.story, "title": "Start", "x": None, "y": None})
        self.open_map()
        self.csrf = self.client.cookies.get("csrftoken")

    def post(self, path, data, name, htmx=False):
        headers = {"X-CSRFToken": self.csrf, "Referer": self.host + path}
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(path, data=data, headers=headers, name=name, allow_redirects=False, catch_response=True)

    @task(2)
    def open_map(self):
        with self.client.get(f"/stories/{self.story}/", name="studio: open the map", catch_response=True) as page:
            if page.status_code != 200 or 'id="map"' not in page.text:
                page.failure(f"HTTP {page.status_code}")

    @task(2)
    def add_scene(self):
        number = next(self.labels)
        x, y = float(random.randint(0, 3000)), float(random.randint(0, 2000))
        with self.post(
            f"/stories/{self.story}/scenes/new/", {"title": f"Scene {number}", "x": x, "y": y}, "studio: add a scene"
        ) as response:
            found = SCENE_ID.search(response.headers.get("Location", ""))
            if response.status_code != 302 or not found:
                return response.failure(f"HTTP {response.status_code}")
            self.scenes.append(found.group(1))
            Acknowledged.scenes[found.group(1)] = {"story": self.story, "title": f"Scene {number}", "x": x, "y": y}

    @task(3)
    def rename_scene(self):
        scene = random.choice(self.scenes)
        title = f"Renamed {next(self.labels)}"
        data = {"title": title, "text": f"Text of {title}", "version": ""}
        if scene == self.scenes[0]:
            data["is_start_scene"] = "on"
        with self.post(f"/stories/{self.story}/scenes/{scene}/", data, "studio: rename a scene", htmx=True) as response:
            if response.status_code != 200 or title not in response.text:
                return response.failure(f"HTTP {response.status_code}")
            Acknowledged.scenes[scene]["title"] = title

    @task(3)
    def move_scene(self):
        scene = random.choice(self.scenes)
        x, y = float(random.randint(0, 3000)), float(random.randint(0, 2000))
        with self.post(
            f"/stories/{self.story}/scenes/{scene}/move/", {"x": x, "y": y}, "studio: move a scene", htmx=True
        ) as response:
            if response.status_code != 200:
                return response.failure(f"HTTP {response.status_code}")
            Acknowledged.scenes[scene].update(x=x, y=y)

    @task(2)
    def link_scenes(self):
        if len(self.scenes) < 2:
            return
        source, target = random.sample(self.scenes, 2)
        label = f"Link {next(self.labels)}"
        with self.post(
            f"/stories/{self.story}/scenes/{source}/choices/",
            {"text": label, "to_scene": target},
            "studio: link two scenes",
            htmx=True,
        ) as response:
            if response.status_code != 200 or label not in response.text:
                return response.failure(f"HTTP {response.status_code}")
            Acknowledged.choices.append((source, target, label))


class Player(HttpUser):
    """A player's app over GraphQL: read the story, play it to an ending, start again."""

    weight = 3
    wait_time = between(0.5, 2)
    accounts: list[dict] = []
    story_id = ""

    def on_start(self):
        if not self.accounts:
            raise StopUser()
        account = self.accounts.pop()
        self.player, self.headers = account["id"], {"Authorization": f"JWT {account['token']}"}
        story = self.graphql(STORY_QUERY, {"id": self.story_id}, "graphql: read the story", "scenario")
        self.scenes = {scene["mongoId"]: scene for scene in story["scenesList"]} if story else {}
        self.current, self.available = None, []
        self.begin()

    def graphql(self, query, variables, name, field):
        with self.client.post(
            "/graphql/",
            json={"query": query, "variables": variables},
            headers=self.headers,
            name=name,
            catch_response=True,
        ) as response:
            body = response.json() if response.status_code == 200 else {}
            result = (body.get("data") or {}).get(field)
            if response.status_code != 200 or body.get("errors") or result is None:
                response.failure(f"HTTP {response.status_code}: {str(body)[:200]}")
                return None
            if isinstance(result, dict) and result.get("success") is False:
                response.failure(result.get("message"))
                return None
            return result

    def acknowledge(self, result):
        if result:
            self.current = result["progress"]["currentSceneId"]["mongoId"]
            self.available = [
                entry["choice"]["mongoId"] for entry in result["progress"]["availableChoices"] if entry["available"]
            ]
            Acknowledged.progress[self.player] = self.current

    def begin(self):
        self.acknowledge(self.graphql(START, {"s": self.story_id}, "graphql: start the story", "startScenario"))

    @task(5)
    def choose(self):
        scene = self.scenes.get(self.current)
        if scene is None:
            return self.begin()
        if scene["isEndScene"] or not self.available:
            return self.acknowledge(self.graphql(RESET, {"s": self.story_id}, "graphql: start again", "resetProgress"))
        self.acknowledge(
            self.graphql(
                CHOOSE, {"s": self.story_id, "c": random.choice(self.available)}, "graphql: make a choice", "makeChoice"
            )
        )

    @task(1)
    def read_story(self):
        self.graphql(STORY_QUERY, {"id": self.story_id}, "graphql: read the story", "scenario")


def lost_writes(uri: str, database: str) -> list[str]:
    """Every acknowledged write, looked up in the database: what is missing or different."""
    db, lost = pymongo.MongoClient(uri)[database], []
    scenes = {str(scene["_id"]): scene for scene in db.scenes.find({})}
    for scene_id, expected in Acknowledged.scenes.items():
        stored = scenes.get(scene_id)
        if stored is None:
            lost.append(f"scene {scene_id} ({expected['title']}) is missing")
            continue
        if stored["title"] != expected["title"]:
            lost.append(f"scene {scene_id} is titled {stored['title']!r}, acknowledged {expected['title']!r}")
        if expected["x"] is not None and (stored["position_x"], stored["position_y"]) != (expected["x"], expected["y"]):
            lost.append(
                f"scene {scene_id} is at {stored['position_x']},{stored['position_y']}, "
                f"acknowledged {expected['x']},{expected['y']}"
            )
    choices = {
        (str(choice["from_scene_id"]), str(choice["to_scene_id"]), choice["text"]) for choice in db.choices.find({})
    }
    lost += [
        f"choice {label!r} is missing"
        for source, target, label in Acknowledged.choices
        if (source, target, label) not in choices
    ]
    for player, scene in Acknowledged.progress.items():
        progress = db.player_progress.find_one({"user_id": ObjectId(player)})
        if progress is None or str(progress["current_scene_id"]) != scene:
            lost.append(f"player {player}'s progress is not at the acknowledged scene {scene}")
    return lost


def print_stats(environment, seconds: float):
    print(f"\n{'operation':<28} {'requests':>8} {'req/s':>7} {'median ms':>10} {'p95 ms':>8} {'failures':>9}")
    entries = sorted(environment.stats.entries.values(), key=lambda entry: entry.name)
    for entry in [*entries, environment.stats.total]:
        print(
            f"{entry.name:<28} {entry.num_requests:>8} {entry.num_requests / seconds:>7.1f} "
            f"{entry.median_response_time or 0:>10.0f} {entry.get_response_time_percentile(0.95) or 0:>8.0f} "
            f"{entry.num_failures:>9}"
        )
    for error in environment.stats.errors.values():
        print(f"  failure x{error.occurrences}: {error.method} {error.name}: {error.error}")


def run_phase(stack, setup, shape: str, users: int, authors: int, seconds: int) -> dict:
    """One phase: the web process in `shape`, the users against it, then the lost-write check."""
    stack.start_web(shape)
    try:
        Author.accounts, Player.accounts = list(setup["authors"]), list(setup["players"])
        Player.story_id = setup["story"]
        Author.fixed_count, Player.fixed_count = authors, users - authors
        # At the end, users finish the request they are making: its answer is then known, so a write that
        # landed is an acknowledged one (a killed request's write would be "different" in the check).
        environment = Environment(
            user_classes=[Author, Player], host=f"http://127.0.0.1:{stack.web_port}", stop_timeout=30
        )
        runner = environment.create_local_runner()
        runner.start(users, spawn_rate=10)
        began = time.monotonic()
        gevent.sleep(seconds)
        elapsed = time.monotonic() - began
        runner.stop()
        runner.quit()
    finally:
        stack.stop_web()
    print(f"\n--- {shape}, {elapsed:.0f} s")
    print_stats(environment, elapsed)
    total = environment.stats.total
    return {
        "requests": total.num_requests,
        "seconds": elapsed,
        "times": dict(total.response_times),
        "failures": total.num_failures,
        "lost": set(lost_writes(stack.env["MONGODB_URI"], os.environ.get("MONGODB_DB_NAME", "story_studio"))),
    }


def percentile(times: dict, fraction: float) -> float:
    """The response time (ms, as locust rounds them) below which `fraction` of the requests finished."""
    count, seen = sum(times.values()), 0
    for value in sorted(times):
        seen += times[value]
        if seen >= fraction * count:
            return value
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--authors", type=int, default=20, help="how many of the users are authors")
    parser.add_argument("--duration", type=int, default=120, help="seconds per shape, split over the rounds")
    parser.add_argument("--rounds", type=int, default=2, help="how many times each shape runs, alternating")
    args = parser.parse_args()
    players = args.users - args.authors
    stack = Stack(args.authors, players)
    shapes = ("runserver", "gunicorn")
    totals = {shape: {"requests": 0, "seconds": 0.0, "times": {}, "failures": 0, "lost": 0} for shape in shapes}
    try:
        setup = stack.start()
        print(
            f"{args.users} users ({args.authors} authors in the studio, {players} players over GraphQL), "
            f"{args.duration} s per shape in {args.rounds} rounds alternating, on 127.0.0.1, embedded MongoDB"
        )
        lost_before: set[str] = set()
        for _ in range(args.rounds):
            for shape in shapes:
                phase = run_phase(stack, setup, shape, args.users, args.authors, args.duration // args.rounds)
                total = totals[shape]
                total["requests"] += phase["requests"]
                total["seconds"] += phase["seconds"]
                total["failures"] += phase["failures"]
                total["lost"] += len(phase["lost"] - lost_before)
                lost_before = phase["lost"]
                for value, count in phase["times"].items():
                    total["times"][value] = total["times"].get(value, 0) + count
                for line in sorted(phase["lost"])[:10]:
                    print("  lost: " + line)
    finally:
        stack.stop()
    acknowledged = len(Acknowledged.scenes) + len(Acknowledged.choices) + len(Acknowledged.progress)
    print(f"\n{'shape':<10} {'req/s':>7} {'median ms':>10} {'p95 ms':>8} {'failures':>9} {'lost writes':>12}")
    rates = {}
    for shape in shapes:
        total = totals[shape]
        rates[shape] = total["requests"] / total["seconds"]
        p95 = percentile(total["times"], 0.95)
        total["p95"] = p95
        print(
            f"{shape:<10} {rates[shape]:>7.1f} {percentile(total['times'], 0.5):>10.0f} {p95:>8.0f} "
            f"{total['failures']:>9} {total['lost']:>12}"
        )
    ratio = rates["gunicorn"] / rates["runserver"] if rates["runserver"] else 0
    gunicorn = totals["gunicorn"]
    print(f"\nthroughput gunicorn / runserver: {ratio:.2f}x; acknowledged writes checked: {acknowledged}")
    goals = [
        ("gunicorn >= 2x runserver's requests/s", ratio >= 2),
        ("gunicorn p95 < 500 ms", gunicorn["p95"] < 500),
        ("0 failures", not any(totals[shape]["failures"] for shape in shapes)),
        ("0 lost writes", not any(totals[shape]["lost"] for shape in shapes) and acknowledged > 0),
    ]
    for goal, met in goals:
        print(f"goal ({goal}): {'met' if met else 'NOT met'}")
    # Exit status: correctness only (failures, lost writes); the speed goals are for the reader.
    raise SystemExit(0 if all(met for _, met in goals[2:]) else 1)


if __name__ == "__main__":
    main()
