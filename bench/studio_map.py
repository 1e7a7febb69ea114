"""Story map speed in headless Chromium: the browser-drawn map (cytoscape.js) at 50, 500 and 2,000 scenes.

Builds three stories on the embedded server (two choices leave each scene, so 2,000 scenes make
about 4,000 arrows), serves the site on 127.0.0.1, signs in with Playwright (Debian's
/usr/bin/chromium) and measures, in one run, for each story:
- first draw: from navigation until the map is ready and painted (the page, with the map's document embedded,
  then every card and arrow drawn), split into the page (navigation until map.js has the document: the server's
  read of the story, the transfer, the scripts) and the drawing in the browser (document to painted frame);
- dragging one scene for 2 s at zoom 1: mean and worst frame time (requestAnimationFrame deltas; the mean
  is 2 s over the frames drawn, so a few long frames count in full);
- zoom to fit: the "Fit to story" button until the next frame is painted;
- a drop saved: mouse up until the map/place request has answered;
- an edit shown: a scene renamed in the database, then story-changed (as the panel's answer sends it) until the map
  shows it, split into map.json (the server's read of the story, the transfer) and patching the map and painting;
- the library's floor: bare cytoscape.js (our bundle, no code of ours) drawing the map's own graph (its cards as
  round-rectangle nodes with wrapped labels, its arrows with labels and heads, at their places, fit) on a blank
  page, from creation to the second painted frame; our drawing in the browser is printed beside it.
Prints the goal lines of issue #16 as `met` / `NOT met`. Frame times in headless Chromium without a
GPU are an upper bound of what an author's browser shows.

    .venv/bin/python bench/studio_map.py
"""

import os
import statistics
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from socketserver import ThreadingMixIn

from _embedded import setup_django

PASSWORD = "bench-password-1"
SIZES = tuple(int(size) for size in os.environ.get("BENCH_SIZES", "50,500,2000").split(","))
DRAWS = 3


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def build(author, count):
    from story_admin.models import Choice, Scenario, Scene

    scenario = Scenario.objects.create(title=f"{count} scenes", slug=f"bench-{count}", author=author)
    # In batches: one insert of thousands of documents can keep the embedded server (one command at a time)
    # from answering pymongo's heartbeat for longer than it waits on a loaded machine; the client then cancels it.
    scenes = Scene.objects.bulk_create(
        (
            Scene(
                scenario=scenario,
                title=f"Scene {n}",
                text="…",
                order=n,
                is_start_scene=n == 0,
                is_end_scene=n == count - 1,
                position_x=(n // 20) * 260.0,
                position_y=(n % 20) * 120.0,
            )
            for n in range(count)
        ),
        batch_size=500,
    )
    Choice.objects.bulk_create(
        (
            Choice(
                scenario=scenario, from_scene=scene, to_scene=scenes[min(index + step, count - 1)], text=f"Go {step}"
            )
            for index, scene in enumerate(scenes[:-1])
            for step in (1, 3)
        ),
        batch_size=500,
    )
    return scenario, scenes


# Frame deltas recorded by requestAnimationFrame while the page runs (page.evaluate is allowed by the CSP).
START_FRAMES = """() => {
    window.benchFrames = [];
    let last = performance.now();
    window.benchRunning = true;
    const tick = (now) => { window.benchFrames.push(now - last); last = now;
                            if (window.benchRunning) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
}"""
STOP_FRAMES = "() => { window.benchRunning = false; return window.benchFrames.slice(1); }"
CENTRE_ON = """(id) => {
    const node = window.storyMap.getElementById(id);
    window.storyMap.zoom(1); window.storyMap.center(node);
    const box = node.renderedBoundingBox(), map = document.getElementById('map').getBoundingClientRect();
    return {x: map.x + (box.x1 + box.x2) / 2, y: map.y + (box.y1 + box.y2) / 2};
}"""
FIT = """() => new Promise((done) => {
    const began = performance.now();
    document.querySelector('[data-map=fit]').click();
    requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - began)));
})"""


# The marks map.js sets, in ms since navigation: when it had the story's document, and when the first frame with
# every card had been painted (the page's own clock: no round trip of the bench counted).
PAINTED = """() => new Promise((done) => {
    const marks = () => performance.getEntriesByName('map-drawn').length ? done({
        painted: performance.getEntriesByName('map-drawn')[0].startTime,
        data: performance.getEntriesByName('map-data')[0].startTime}) : setTimeout(marks, 20);
    marks();
})"""


# An edit shown on the map: story-changed (as the panel's answer sends it) until the map is patched and painted;
# `fetched` is when map.json had come (the server's read of the story and the transfer).
REFRESHED = """() => new Promise((done) => {
    performance.clearMarks('map-refreshed');
    performance.clearMarks('map-fetched');
    const began = performance.now();
    document.body.dispatchEvent(new CustomEvent('story-changed', {detail: {scenes: []}}));
    const wait = () => performance.getEntriesByName('map-refreshed').length
        ? requestAnimationFrame(() => requestAnimationFrame(() => done({total: performance.now() - began,
            fetched: performance.getEntriesByName('map-fetched')[0].startTime - began})))
        : setTimeout(wait, 5);
    wait();
})"""
RENAMED = "(id) => window.storyMap.getElementById(id).data('title')"


# The map's own graph, taken from the drawn map: its nodes and arrows with their labels and places, no styles.
MAP_ELEMENTS = """() => window.storyMap.elements().map((element) => ({group: element.group(), position:
    element.isNode() ? {...element.position()} : undefined, data: {id: element.id(), label: element.data('label'),
    source: element.data('source'), target: element.data('target')}}))"""
BARE = """(elements) => new Promise((done) => {
    const began = performance.now();
    const cy = cytoscape({container: document.getElementById('bare'), elements, layout: {name: 'preset'}, style: [
        {selector: 'node', style: {shape: 'round-rectangle', width: 180, height: 70, label: 'data(label)',
                                   'text-wrap': 'wrap', 'text-max-width': 160, 'text-valign': 'center'}},
        {selector: 'edge', style: {'curve-style': 'bezier', 'target-arrow-shape': 'triangle', label: 'data(label)',
                                   'min-zoomed-font-size': 10}},
    ]});
    cy.fit();
    requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - began)));
})"""
BLANK = "<div id='bare' style='width:1400px;height:900px'></div>"


def bare_library(browser, base, elements):
    """Median seconds for bare cytoscape.js to draw the map's graph on a blank page of the site (the library's floor)."""
    times = []
    for _ in range(DRAWS):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route(f"{base}/bench-blank/", lambda route: route.fulfill(body=BLANK, content_type="text/html"))
        page.goto(f"{base}/bench-blank/")  # the site's origin, no page of ours: the bundle is its only script
        page.add_script_tag(url=f"{base}/static/studio/map-libs.js")
        times.append(page.evaluate(BARE, elements))
        page.close()
    return statistics.median(times) / 1000


def measure(page, base, scenario, scenes):
    draws, pages, drawings = [], [], []
    for _ in range(DRAWS):
        page.goto(f"{base}/stories/{scenario.pk}/", timeout=300_000)
        page.wait_for_selector("#map[data-ready=true]", timeout=120_000)
        marks = page.evaluate(PAINTED)
        draws.append(marks["painted"] / 1000)
        pages.append(marks["data"] / 1000)
        drawings.append((marks["painted"] - marks["data"]) / 1000)
    elements = page.evaluate(MAP_ELEMENTS)
    fit = statistics.median(page.evaluate(FIT) for _ in range(3))
    point = page.evaluate(CENTRE_ON, str(scenes[len(scenes) // 2].pk))
    page.mouse.move(point["x"], point["y"])
    page.mouse.down()
    page.evaluate(START_FRAMES)
    began = time.perf_counter()
    step = 0
    while time.perf_counter() - began < 2:
        step += 1
        page.mouse.move(point["x"] + (step % 60) * 2, point["y"] + (step % 40))
    frames = page.evaluate(STOP_FRAMES)
    began = time.perf_counter()
    with page.expect_response(lambda response: "/map/place/" in response.url, timeout=60_000):
        page.mouse.up()
    drop = time.perf_counter() - began
    edits, patches = [], []
    for round_ in range(DRAWS):
        edited = scenes[(round_ + 1) * len(scenes) // (DRAWS + 2)]
        type(edited).objects.filter(pk=edited.pk).update(title=f"Renamed {round_}")
        shown = page.evaluate(REFRESHED)
        assert page.evaluate(RENAMED, str(edited.pk)) == f"Renamed {round_}", "the map did not show the edit"
        edits.append(shown["total"] / 1000)
        patches.append((shown["total"] - shown["fetched"]) / 1000)
    return {
        "draw": statistics.median(draws),
        "page": statistics.median(pages),
        "drawing": statistics.median(drawings),
        "frame": statistics.fmean(frames),
        "worst": max(frames),
        "frames": len(frames),
        "fit": fit / 1000,
        "drop": drop,
        "edit": statistics.median(edits),
        "patch": statistics.median(patches),
        "elements": elements,
    }


def main():
    setup_django()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application
    from playwright.sync_api import sync_playwright

    from story_admin.models import Role, User

    author = User.objects.create_user("bench@example.com", PASSWORD, role=Role.AUTHOR)
    stories = {count: build(author, count) for count in SIZES}
    server = make_server(
        "127.0.0.1",
        0,
        StaticFilesHandler(get_wsgi_application()),
        server_class=ThreadingServer,
        handler_class=QuietHandler,
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/signin/")
        page.fill("input[name=email]", "bench@example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        for count, (scenario, scenes) in stories.items():
            results[count] = measure(page, base, scenario, scenes)
            results[count]["bare"] = bare_library(browser, base, results[count].pop("elements"))
        browser.close()
    for count, figures in results.items():
        print(
            f"{count:5d} scenes, {2 * (count - 1):5d} arrows: first draw {figures['draw'] * 1000:6.0f} ms "
            f"(page {figures['page'] * 1000:.0f} ms, drawing {figures['drawing'] * 1000:.0f} ms); "
            f"drag frames mean {figures['frame']:5.1f} ms, worst {figures['worst']:6.1f} ms "
            f"({figures['frames']} frames in 2 s); fit {figures['fit'] * 1000:5.0f} ms; "
            f"drop saved {figures['drop'] * 1000:5.0f} ms"
        )
        print(
            f"      an edit shown: {figures['edit'] * 1000:6.0f} ms (map.json {(figures['edit'] - figures['patch']) * 1000:.0f} ms, "
            f"patching and painting {figures['patch'] * 1000:.0f} ms)"
        )
        print(
            f"      bare cytoscape.js, same shape: {figures['bare'] * 1000:6.0f} ms; "
            f"our drawing / bare: {figures['drawing'] / figures['bare']:.2f}x"
        )
    largest, smallest = results[SIZES[-1]], results[SIZES[0]]
    ratio = largest["draw"] / smallest["draw"]
    print(
        f"ratio {SIZES[-1]} / {SIZES[0]}: first draw {ratio:.1f}x, drop saved {largest['drop'] / smallest['drop']:.1f}x"
    )
    print(f"goal (2,000 scenes drawn in under 1 s): {'met' if largest['draw'] < 1 else 'NOT met'}")
    print(
        f"  of which drawing in the browser: {largest['drawing']:.2f} s "
        f"({'met' if largest['drawing'] < 1 else 'NOT met'} on its own); the page: {largest['page']:.2f} s"
    )
    print(
        f"  the library's floor: bare cytoscape.js draws {SIZES[-1]} in {largest['bare']:.2f} s, "
        f"{largest['bare'] / smallest['bare']:.1f}x its {SIZES[0]}"
    )
    print(f"goal (dragging at 2,000 scenes, mean frame <= 20 ms): {'met' if largest['frame'] <= 20 else 'NOT met'}")
    print(f"goal (2,000 / 50 first-draw ratio under 5x): {'met' if ratio < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
