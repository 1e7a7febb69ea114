"""Fixtures of the studio's tests (Chromium and its page: tests/conftest.py)."""

import pytest


@pytest.fixture
def studio(client, author):
    """A browser session signed in as an author."""
    client.force_login(author)
    return client
