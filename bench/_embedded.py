"""Shared by bench scripts: an embedded MongoDB in a thread, and Django pointed at it and migrated."""

import asyncio
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def start_embedded_mongo() -> str:
    from studio.embedded import mongo

    ready, address = threading.Event(), {}
    path = Path(tempfile.mkdtemp(prefix="bench-mongo-")) / "db.sqlite3"

    def started(bound):
        address["uri"] = bound.uri
        ready.set()

    threading.Thread(
        target=lambda: asyncio.run(mongo.serve_forever(path=path, host="127.0.0.1", port=0, started=started)),
        daemon=True,
    ).start()
    if not ready.wait(60):
        raise RuntimeError("The embedded MongoDB server did not start.")
    return address["uri"]


def setup_django() -> str:
    """Start an embedded server, point Django at it, migrate; returns its URI."""
    uri = start_embedded_mongo()
    os.environ["MONGODB_URI"] = uri
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return uri


def start_embedded_redis() -> str:
    """The embedded Redis on a free port, stopped when the script exits; returns its URL (also in REDIS_URL)."""
    import atexit

    from tests.processes import free_port, start_redis

    port = free_port()
    process = start_redis(port, Path(tempfile.mkdtemp(prefix="bench-redis-")))
    atexit.register(process.terminate)
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    return os.environ["REDIS_URL"]
