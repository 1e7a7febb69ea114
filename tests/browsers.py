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
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    # Nor may a page's own script fail.
    failed = []
    page.on("pageerror", lambda error: failed.append(str(error)))
    yield page
    context.close()
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
    assert not failed, f"a script of the page failed: {failed}"


def wait_until(page, expression: str, tries: int = 150):
    """Poll a page expression (the Content-Security-Policy forbids Playwright's wait_for_function)."""
    for _ in range(tries):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def drag(page, x: float, y: float, dx: float, dy: float, *, steps: int = 8) -> None:
    """Press at (x, y), move by (dx, dy) in `steps` pointer moves, release: an author's drag."""
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=steps)
    page.mouse.up()
