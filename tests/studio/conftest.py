"""Fixtures of the studio's tests (Chromium and its page: tests/conftest.py)."""

import pytest

from tests.factories import PASSWORD, AuthorFactory


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
