"""Accounts kept a few seconds in Redis, so authenticating a request (JWT or session) does not read `users`.

Every field of an account is kept as JSON under `account:v1:<pk>` for ACCOUNT_CACHE_SECONDS (0: never kept).
Every change forgets it, because a password change, a token version bump, a deactivation or a deletion must
refuse the very next request: saves and deletions through the signals connected in `apps.py` (at once, and again
once the backend's transaction commits, when readers can see the change), and `update()`s, which send no signal,
by calling `forget_account` where they are made (story_admin.services.users).

A reader that missed fills the key only if no change was forgotten since it looked (the generation number kept
beside the entry), so a read from the database that raced a change never keeps the old account; and never from
inside a transaction, whose reads may be rolled back.

Redis unreachable or slow (short timeouts): the database answers, with a warning at most once a minute; the
cache is left alone for a few seconds, and for ACCOUNT_CACHE_SECONDS after a change could not be forgotten.
"""

import json
import logging
import time
from datetime import datetime

import redis
from bson import ObjectId
from django.conf import settings
from django.db import connections, router
from django_mongodb_backend import transaction
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from .models import User

logger = logging.getLogger(__name__)

KEY = "account:v1:{pk}"
GENERATION_KEY = "account:v1:{pk}:generation"
# Longer than any read that raced a change could take to finish its fill.
GENERATION_SECONDS = 24 * 3600
REDIS_TIMEOUT_SECONDS = 0.25  # Redis answers in a millisecond; the database is the slower fallback
RETRY_AFTER_SECONDS = 5  # how long the cache is left alone after Redis failed
WARN_EVERY_SECONDS = 60

# Keep the entry only if the generation is still the one the reader saw before reading the database.
FILL = """
if (redis.call('GET', KEYS[2]) or '') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""


class _Redis:
    """One Redis (by URL): its client, and since when and how it failed."""

    def __init__(self, url: str):
        self.client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 1),  # once, for a connection Redis closed since; never a wait per request
        )
        self.fill = self.client.register_script(FILL)
        self.skip_until = 0.0
        self.warned_at: float | None = None
        self.unwarned = 0

    @property
    def skipped(self) -> bool:
        return time.monotonic() < self.skip_until

    def unavailable(self, doing: str, error: RedisError) -> None:
        now = time.monotonic()
        self.skip_until = max(self.skip_until, now + RETRY_AFTER_SECONDS)  # never shortens a longer pause
        if self.warned_at is not None and now - self.warned_at < WARN_EVERY_SECONDS:
            self.unwarned += 1
            return
        logger.warning(
            "Redis failed %s (%s): accounts are read from the database, Redis tried again every %s s "
            "(%d more failures since the last warning)",
            doing,
            error,
            RETRY_AFTER_SECONDS,
            self.unwarned,
        )
        self.warned_at, self.unwarned = now, 0


_servers: dict[str, _Redis] = {}


def _redis() -> _Redis:
    url = settings.RQ_QUEUES["default"]["URL"]  # the Redis of story_admin.background.connection()
    if url not in _servers:
        _servers[url] = _Redis(url)
    return _servers[url]


def account(pk: ObjectId) -> User | None:
    """The account with this id, from Redis when it was kept, else from the database (and then kept)."""
    seconds = settings.ACCOUNT_CACHE_SECONDS
    server = _redis() if seconds > 0 else None
    if server is None or server.skipped:
        return User.objects.filter(pk=pk).first()
    key, generation_key = KEY.format(pk=pk), GENERATION_KEY.format(pk=pk)
    try:
        stored, generation = server.client.mget(key, generation_key)
    except RedisError as error:
        server.unavailable(f"reading account {pk}", error)
        return User.objects.filter(pk=pk).first()
    if stored is not None and (kept := _rebuilt(json.loads(stored))) is not None:
        return kept
    user = User.objects.filter(pk=pk).first()
    if user is not None and not _in_transaction():  # what it read may yet be rolled back
        try:
            server.fill(keys=[key, generation_key], args=[generation or "", json.dumps(_fields(user)), seconds])
        except RedisError as error:
            server.unavailable(f"keeping account {pk}", error)
    return user


def forget_account(pk: ObjectId) -> None:
    """Forget the kept account now, and again once the current transaction (if any) commits: until then readers
    still see the old document, and may keep it meanwhile."""
    _forget(pk)
    if _in_transaction():
        transaction.on_commit(lambda: _forget(pk), using=router.db_for_write(User))


def _forget(pk: ObjectId) -> None:
    seconds = settings.ACCOUNT_CACHE_SECONDS
    if seconds <= 0:
        return
    server, generation_key = _redis(), GENERATION_KEY.format(pk=pk)
    try:
        with server.client.pipeline(transaction=True) as pipeline:
            pipeline.incr(generation_key).expire(generation_key, GENERATION_SECONDS).delete(KEY.format(pk=pk))
            pipeline.execute()
    except RedisError as error:
        # What Redis still keeps may be read by other processes until it expires; this one stops reading it.
        server.skip_until = max(server.skip_until, time.monotonic() + seconds)
        logger.warning(
            "Could not forget the kept account %s in Redis (%s): processes may use its old fields for up to %s s "
            "(ACCOUNT_CACHE_SECONDS)",
            pk,
            error,
            seconds,
        )


def forget_saved_account(sender, instance, **kwargs) -> None:
    """post_save and post_delete of User."""
    if instance.pk is not None:
        forget_account(instance.pk)


def _in_transaction() -> bool:
    """In the backend's atomic block (django_mongodb_backend.transaction), where on_commit waits for the commit."""
    return connections[router.db_for_write(User)].in_atomic_block_mongo


def _fields(user: User) -> dict:
    fields = {}
    for field in User._meta.concrete_fields:
        value = field.value_from_object(user)
        if isinstance(value, ObjectId):
            value = str(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        fields[field.attname] = value
    return fields


def _rebuilt(fields: dict) -> User | None:
    """A User as the database would have loaded it: saving it updates the document (and sees an email change).
    None when the entry was kept with other fields than the model has now (kept before a deploy that added or
    removed one): read again from the database, and kept anew."""
    concrete = User._meta.concrete_fields
    if set(fields) != {field.attname for field in concrete}:
        return None
    values = [field.to_python(fields[field.attname]) for field in concrete]
    return User.from_db(router.db_for_read(User), [field.attname for field in concrete], values)
