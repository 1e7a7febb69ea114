"""Servers the tests and bench scripts start for real: a free loopback port, the embedded Redis."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis

from studio.embedded.redis import server_command

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(port: int, data_dir: Path) -> subprocess.Popen:
    """The embedded Redis on `port`, answering when this returns."""
    process = subprocess.Popen(server_command(port=port, data_dir=data_dir),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)
