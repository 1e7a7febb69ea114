"""Is MongoDB (embedded or not) answering? Is Redis? Used at start-up to wait with a clear message."""

import time

import pymongo
import redis
from django.conf import settings


def mongodb_answers(timeout_ms: int = 1000) -> bool:
    uri = settings.DATABASES["default"]["HOST"]
    try:
        with pymongo.MongoClient(uri, serverSelectionTimeoutMS=timeout_ms) as client:
            client.admin.command("ping")
        return True
    except pymongo.errors.PyMongoError:
        return False


def redis_answers(url: str | None = None, timeout: float = 1.0) -> bool:
    try:
        return bool(redis.Redis.from_url(url or settings.REDIS_URL, socket_connect_timeout=timeout).ping())
    except (redis.exceptions.RedisError, OSError, ValueError):
        return False


def wait_until(check, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return check()
