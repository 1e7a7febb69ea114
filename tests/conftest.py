"""Test session setup: one embedded MongoDB server per session, on a free port."""

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

from tests import command_count
from tests.browsers import browser_page
from tests.factories import AuthorFactory, UserFactory
from tests.graphql_client import GraphQLClient
from tests.processes import EmbeddedMongoThread, free_port, start_redis
from tests.snapshots import STATIC_COLLECTIONS

CHROMIUM = "/usr/bin/chromium"

command_count.listen()  # before the first MongoClient: tests/test_command_counts.py counts commands


@pytest.fixture(scope="session")
def embedded_mongo(tmp_path_factory):
    """The embedded server on its own event loop in a daemon thread of the test process, for the whole session."""
    return EmbeddedMongoThread.started(tmp_path_factory.mktemp("embedded-mongo") / "db.sqlite3").address


@pytest.fixture(scope="session")
def django_db_modify_db_settings(embedded_mongo):
    from django.conf import settings

    settings.DATABASES["default"]["HOST"] = embedded_mongo.uri


def pytest_configure(config):
    from django.conf import settings

    # Hashing with the production hasher costs ~0.3 s a user; tests create hundreds.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.BCryptPasswordHasher",
    ]
    # Accounts are kept in Redis only where a test has one (rq_redis): elsewhere REDIS_URL names the `make run`
    # Redis, absent (a warning a minute) or, worse, a developer's own.
    settings.ACCOUNT_CACHE_SECONDS = 0


# Collections that migrations fill once and tests never change (STATIC_COLLECTIONS): flushing them after
# every test (and re-creating them through post_migrate, as Django's flush does) cost ~0.6 s a test.


def _flush_written_collections(self):
    from django.db import connections

    for alias in self._databases_names(include_mirrors=False):
        database = connections[alias].database
        for name in database.list_collection_names():
            if name not in STATIC_COLLECTIONS and not name.startswith("system."):
                database[name].delete_many({})


@pytest.fixture(scope="session", autouse=True)
def _fast_database_teardown():
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = _flush_written_collections
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture(scope="session")
def embedded_redis(tmp_path_factory):
    """A real Redis (the one `make run` embeds) for the whole session, on a free port."""
    port = free_port()
    process = start_redis(port, tmp_path_factory.mktemp("redis"))
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def rq_redis(embedded_redis, settings):
    """Point the job queues (and the account cache) at the session's Redis, emptied for each test."""
    import redis

    redis.Redis.from_url(embedded_redis).flushdb()
    for queue in settings.RQ_QUEUES.values():
        queue["URL"] = embedded_redis
    settings.REDIS_URL = embedded_redis
    settings.ACCOUNT_CACHE_SECONDS = 30
    return embedded_redis


@pytest.fixture
def author(db):
    return AuthorFactory()


@pytest.fixture
def other_author(db):
    return AuthorFactory()


@pytest.fixture
def player(db):
    return UserFactory()


@pytest.fixture
def superuser(db):
    return AuthorFactory(is_superuser=True)


@pytest.fixture
def gql(client, rq_redis):
    """The GraphQL client (graph_api's tests and any other that checks what API clients see)."""
    return GraphQLClient(client)


# Chromium for the browser tests (one per module), and a page at 1400 px on the live server (studio and reader).
@pytest.fixture(scope="module")
def browser():

    # Playwright's sync API runs an event loop in this thread; the ORM calls around it are synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    if not shutil.which(CHROMIUM):
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    with browser_page(browser, live_server.url) as page:
        yield page


# The analytics' known players (tests/players.py), with figures computed afresh in each test.
@pytest.fixture
def fresh_figures(settings):
    settings.ANALYTICS_CACHE_SECONDS = 0
    settings.ANALYTICS_DROP_OFF_DAYS = 7


@pytest.fixture
def cellar(author, fresh_figures):
    from tests.players import known_players

    return known_players(author)
