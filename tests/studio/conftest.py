"""Fixtures of the studio's tests."""

import pytest


@pytest.fixture
def studio(client, author):
    """A browser session signed in as an author."""
    client.force_login(author)
    return client


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, for browser tests."""
    import os

    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def author_page(chromium, live_server):
    """A 1400 px browser page signed in (by its sign-in form) as a new author, returned with the author."""
    from tests.factories import PASSWORD, AuthorFactory

    context = chromium.new_context(viewport={"width": 1400, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    author = AuthorFactory()
    page.goto("/signin/")
    page.fill("input[name=email]", author.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    yield page, author
    context.close()
