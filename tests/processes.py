"""Servers the tests and bench scripts start for real: a free loopback port, the embedded Redis and MongoDB."""

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import redis

from studio.embedded import mongo
from studio.embedded.redis import server_command

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(port: int, data_dir: Path) -> subprocess.Popen:
    """The embedded Redis on `port`, answering when this returns."""
    process = subprocess.Popen(
        server_command(port=port, data_dir=data_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.ping()
            return process
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"The embedded Redis did not answer on port {port}.")


def manage(*args, **env) -> subprocess.CompletedProcess:
    """`manage.py ARGS` in a fresh process whose settings read `env` (and no SECRET_KEY or DEBUG of ours)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def run_worker(*queues):
    """An rq worker in this process that runs the queued jobs of `queues`, then returns."""
    import django_rq
    from rq import SimpleWorker

    worker = SimpleWorker(
        [django_rq.get_queue(name) for name in queues], connection=django_rq.get_connection(queues[0])
    )
    worker.work(burst=True)


def start_embedded_mongo(port: int, path: Path) -> subprocess.Popen:
    """`manage.py embedded_mongo` as `make run` starts it, answering when this returns."""
    log = path.with_suffix(".log")
    start = log.stat().st_size if log.exists() else 0
    with log.open("a") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "embedded_mongo", "--port", str(port), "--path", str(path)],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while f"ready on mongodb://127.0.0.1:{port}/" not in log.read_text()[start:]:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"The embedded MongoDB did not start: {log.read_text()}")
        time.sleep(0.05)
    return process


class EmbeddedMongoThread(threading.Thread):
    """The embedded server on its own event loop in a daemon thread of this process (its engine then shares the
    process's mongoeco module: a test can change that module's settings)."""

    def __init__(self, path: Path):
        super().__init__(name="embedded-mongo", daemon=True)
        self.path = path
        self.ready = threading.Event()
        self.address = None
        self.error = None
        self._loop = self._task = None

    @classmethod
    def started(cls, path: Path) -> "EmbeddedMongoThread":
        """A server on a free port, answering when this returns."""
        server = cls(path)
        server.start()
        if not server.ready.wait(timeout=60) or server.error:
            raise RuntimeError(f"The embedded MongoDB server did not start: {server.error!r}")
        return server

    def run(self):
        try:
            asyncio.run(self._serve())
        except asyncio.CancelledError:
            pass  # stopped by `stop`
        except BaseException as error:  # surfaced to the waiting test by `started`
            self.error = error
            self.ready.set()

    async def _serve(self):
        self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
        await mongo.serve_forever(path=self.path, host="127.0.0.1", port=0, started=self._on_started)

    def _on_started(self, address):
        self.address = address
        self.ready.set()

    def stop(self):
        """Close the server (its connections, then its engine) and wait for its thread."""
        self._loop.call_soon_threadsafe(self._task.cancel)
        self.join(timeout=30)
