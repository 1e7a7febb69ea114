"""Fixtures of the studio's tests."""

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD, AuthorFactory

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def studio(client, author):
    """A browser session signed in as an author."""
    client.force_login(author)
    return client


# Chromium for the browser tests (one per module), and a page at 1400 px on the live server.
@pytest.fixture(scope="module")
def browser():

    # Playwright's sync API runs an event loop in this thread; the ORM calls around it are synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    if not shutil.which(CHROMIUM):
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Chromium reports each thing the Content-Security-Policy blocks on the console: none may be blocked.
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    # Nor may a page's own script fail.
    failed = []
    page.on("pageerror", lambda error: failed.append(str(error)))
    yield page
    context.close()
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
    assert not failed, f"a script of the page failed: {failed}"


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
