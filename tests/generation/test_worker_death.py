"""A worker killed with SIGKILL in the middle of a job: the asset is retried, never left running."""

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import django_rq
import pytest
from django.db import connection
from rq.registry import ScheduledJobRegistry, StartedJobRegistry

from generation.services import request_generation
from story_admin.models import Asset, Scene
from tests.factories import ScenarioFactory, SceneFactory
from tests.generation.media_samples import png_bytes
from tests.processes import run_worker

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


class SlowThenFineImageServer:
    """The first request hangs (the worker dies meanwhile); later ones get an image."""

    def __init__(self):
        self.first_request = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                if not outer.first_request.is_set():
                    outer.first_request.set()
                    time.sleep(20)
                    return
                image = png_bytes(20, 10)
                self.send_response(200)
                self.send_header("Content-Length", str(len(image)))
                self.end_headers()
                self.wfile.write(image)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/models"


def children_of(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc), e.g. rq's work horse."""
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_killed_worker_leaves_the_asset_retried_then_ready(rq_redis, settings):
    server = SlowThenFineImageServer()
    settings.HUGGINGFACE_API_URL, settings.HUGGINGFACE_API_TOKEN = server.url, "hf_test"
    scene = SceneFactory(scenario=ScenarioFactory(is_published=True), title="Cliff")
    asset = request_generation(requester=scene.scenario.author, kind="image", scene=scene)

    environment = {
        **os.environ,
        "MONGODB_URI": connection.settings_dict["HOST"],
        "MONGODB_DB_NAME": connection.settings_dict["NAME"],
        "REDIS_URL": rq_redis,
        "HUGGINGFACE_API_URL": server.url,
        "HUGGINGFACE_API_TOKEN": "hf_test",
        "LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", "image", "--burst"],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    horses = []
    try:
        assert server.first_request.wait(60), "the worker never called the image service"
        assert wait_for(lambda: Asset.objects.get(pk=asset.pk).status == "running")
        horses = children_of(worker.pid)
        assert horses, "rq runs the job in a work horse process"
    finally:
        # The worker and its work horse die together, as when their machine goes down. The horse
        # has a process group of its own: killing only the worker's would leave it finishing the
        # job later, writing into whatever test runs then.
        for group in [worker.pid, *horses]:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        worker.wait(10)
    assert Asset.objects.get(pk=asset.pk).status == "running"

    # What rq's maintenance does once the dead worker's heartbeat expires; asked for now, not in minutes.
    queue = django_rq.get_queue("image")
    StartedJobRegistry(queue=queue).cleanup(timestamp=time.time() + 3600)
    asset.refresh_from_db()
    assert asset.status == "queued"
    assert asset.error == "Retrying: The worker stopped in the middle of the job."

    scheduled = ScheduledJobRegistry(queue=queue)
    assert scheduled.get_job_ids() == [f"asset-{asset.pk}"]
    scheduled.requeue(f"asset-{asset.pk}")  # the scheduler would, 10 s later
    run_worker("image")
    asset.refresh_from_db()
    assert asset.status == "ready" and (asset.width, asset.height) == (20, 10)
    assert Scene.objects.get(pk=scene.pk).image_id == asset.pk
