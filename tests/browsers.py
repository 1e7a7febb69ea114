"""Pages of the browser tests: a context of its own at a given size, watched for what the CSP blocks."""

from contextlib import contextmanager


@contextmanager
def browser_page(browser, base_url: str, *, width: int = 1400, height: int = 900, **context_options):
    """A page of its own context at this size; none of its loads may be blocked by the Content-Security-Policy,
    and none of its scripts may fail."""
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=base_url, **context_options)
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
