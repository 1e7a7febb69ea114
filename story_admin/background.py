"""A result kept in Redis under a key, computed at once when it is quick, else by a job on the `default` rq queue
whose progress a page shows until the result is there. Shared by the Endings page's state analysis
(story_admin.analysis.cached) and the Players page's figures (story_admin.analytics, always computed at once).

Keys beside the result: `<key>:queued` (a job is on its way: asked twice, queued once), `<key>:progress` and
`<key>:total` (how far the job is), `<key>:failed` (why it failed, shown instead of a progress bar for an hour).
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_rq

logger = logging.getLogger(__name__)
QUEUE = "default"
MARK_SECONDS = 3600  # how long the queued, progress and failed marks are kept
JOB_TIMEOUT = 600


@dataclass
class Kept:
    value: Any = None  # None while a job works on it
    done: int = 0
    total: int | None = None  # None until the job knows it
    failed: str = ""

    @property
    def ready(self) -> bool:
        return self.value is not None


def connection():
    return django_rq.get_connection(QUEUE)


def kept(
    key: str,
    *,
    compute: Callable[[], Any],
    keep_seconds: int,
    in_background: bool = False,
    job: Callable | None = None,
    job_args: tuple = (),
) -> Kept:
    """The value kept under `key`; else computed now (`in_background` False) and kept, or `job(*job_args, key)`
    queued (once) and how far it is."""
    redis = connection()
    stored = redis.get(key)
    if stored:
        return Kept(value=json.loads(stored))
    if not in_background:
        value = compute()
        redis.set(key, json.dumps(value), ex=keep_seconds)
        return Kept(value=value)
    failed = redis.get(f"{key}:failed")
    if failed:
        return Kept(failed=failed.decode())
    if redis.set(f"{key}:queued", 1, nx=True, ex=MARK_SECONDS):
        django_rq.get_queue(QUEUE).enqueue(job, *job_args, key, job_timeout=JOB_TIMEOUT)
    done, total = redis.mget(f"{key}:progress", f"{key}:total")
    return Kept(done=int(done or 0), total=None if total is None else int(total))


class JobReport:
    """What a job queued by `kept` tells the pages: its progress, its result, or why it failed."""

    def __init__(self, key: str):
        self.key = key
        self.redis = connection()

    def progress(self, done: int, total: int | None = None) -> None:
        self.redis.set(f"{self.key}:progress", done, ex=MARK_SECONDS)
        if total is not None:
            self.redis.set(f"{self.key}:total", total, ex=MARK_SECONDS)

    def finished(self, value, *, keep_seconds: int, key: str | None = None) -> None:
        """Keep the result (under `key` when what it was computed from changed meanwhile) and clear the marks."""
        self.redis.set(key or self.key, json.dumps(value), ex=keep_seconds)
        self.abandoned()

    def abandoned(self) -> None:
        """Nothing to compute any more (the story was deleted): clear the marks."""
        self.redis.delete(f"{self.key}:queued", f"{self.key}:progress", f"{self.key}:total")

    def failed(self, message: str) -> None:
        """Called from an `except` block: logs the error with its context; the page shows `message`."""
        logger.exception("The background job for %s failed", self.key)
        self.redis.set(f"{self.key}:failed", message, ex=MARK_SECONDS)
