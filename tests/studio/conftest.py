"""Fixtures of the studio's tests (Chromium and its page: tests/conftest.py)."""

from pathlib import Path

import pytest

from tests.factories import PASSWORD, AuthorFactory
from tests.translations import compile_messages


@pytest.fixture(scope="session", autouse=True)
def studio_messages():
    """The studio's French (pages and scripts), compiled as `make messages` does."""
    compile_messages(Path(__file__).resolve().parents[2] / "studio" / "locale")


@pytest.fixture
def studio(client, author):
    """A browser session signed in as an author."""
    client.force_login(author)
    return client


@pytest.fixture
def author_page(page):
    """The 1400 px page signed in (by its sign-in form) as a new author, returned with the author."""
    author = AuthorFactory()
    page.goto("/signin/")
    page.fill("input[name=email]", author.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page, author
