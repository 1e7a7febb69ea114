"""Story map speed in headless Chromium: time until a 50- and a 500-scene map is drawn and a scene can be dragged.

Builds both stories on the embedded server, serves the site on 127.0.0.1, signs in with
Playwright (Debian's /usr/bin/chromium) and measures, in one run, for each story: load until
every scene card and arrow is on the page, then one drag saved and redrawn. Prints the ratio
500 / 50. Goal: the 500-scene map drawn in under a second.

    .venv/bin/python bench/studio_map.py
"""

import os
import statistics
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, make_server

from _embedded import setup_django

PASSWORD = "bench-password-1"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def build(author, count):
    from story_admin.models import Choice, Scenario, Scene

    scenario = Scenario.objects.create(title=f"{count} scenes", slug=f"bench-{count}", author=author)
    scenes = Scene.objects.bulk_create(
        Scene(scenario=scenario, title=f"Scene {n}", text="…", order=n, is_start_scene=n == 0,
              is_end_scene=n == count - 1, position_x=(n // 10) * 260.0, position_y=(n % 10) * 120.0)
        for n in range(count))
    Choice.objects.bulk_create(
        Choice(scenario=scenario, from_scene=scene, to_scene=scenes[min(index + step, count - 1)], text=f"Go {step}")
        for index, scene in enumerate(scenes[:-1]) for step in (1, 3))
    return scenario


def main():
    setup_django()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application
    from playwright.sync_api import sync_playwright

    from story_admin.models import Role, User

    author = User.objects.create_user("bench@example.com", PASSWORD, role=Role.AUTHOR)
    stories = {count: build(author, count) for count in (50, 500)}
    server = make_server("127.0.0.1", 0, StaticFilesHandler(get_wsgi_application()), handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/signin/")
        page.fill("input[name=email]", "bench@example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        for count, scenario in stories.items():
            draws, drags = [], []
            for _ in range(3):
                began = time.perf_counter()
                page.goto(f"{base}/stories/{scenario.pk}/")
                page.wait_for_function(f"document.querySelectorAll('.scene-card').length === {count}")
                draws.append(time.perf_counter() - began)
                box = page.locator(".scene-card").first.bounding_box()
                began = time.perf_counter()
                page.mouse.move(box["x"] + 20, box["y"] + 20)
                page.mouse.down()
                page.mouse.move(box["x"] + 20, box["y"] + 60, steps=4)
                with page.expect_response(lambda response: "/move/" in response.url):
                    page.mouse.up()
                page.wait_for_function(f"document.querySelectorAll('.scene-card').length === {count}")
                drags.append(time.perf_counter() - began)
            results[count] = (statistics.median(draws), statistics.median(drags))
        browser.close()
    for count, (draw, drag) in results.items():
        print(f"{count:4d} scenes, {2 * (count - 1)} arrows: drawn in {draw * 1000:6.0f} ms; "
              f"a drag saved and redrawn in {drag * 1000:6.0f} ms")
    print(f"ratio 500 / 50: draw {results[500][0] / results[50][0]:.1f}x, drag {results[500][1] / results[50][1]:.1f}x")
    print(f"goal (500 scenes drawn in under a second): {'met' if results[500][0] < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
