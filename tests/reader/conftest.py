"""Fixtures of the reading site's tests: the demo story, and its French messages compiled."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browsers import browser_page

LOCALE = Path(__file__).resolve().parents[2] / "reader" / "locale"


@pytest.fixture(scope="session", autouse=True)
def french_messages():
    """The interface's French, compiled as `make` does (the .mo files are not committed)."""
    if not shutil.which("msgfmt"):
        pytest.fail("msgfmt is missing: `make test` installs it (apt-get install gettext).")
    for source in LOCALE.glob("*/LC_MESSAGES/django.po"):
        subprocess.run(["msgfmt", "--check", "-o", str(source.with_suffix(".mo")), str(source)], check=True)


@pytest.fixture
def demo(db):
    from story_admin.demo import ensure_demo

    story, _ = ensure_demo()
    return story


@pytest.fixture
def phone(browser, live_server):
    """A page 360 px wide (a small phone), on the live server."""
    with browser_page(browser, live_server.url, width=360, height=740) as page:
        yield page
