"""The story map drawn in the browser (cytoscape on a canvas) from map.json, in headless Chromium on a live server."""

import json

import pytest

from story_admin.models import Choice, Scene
from tests.browsers import drag, wait_until
from tests.processes import run_worker
from tests.factories import PASSWORD, AuthorFactory, ChoiceFactory, ScenarioFactory, SceneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def well_with_light():
    author = AuthorFactory()
    scenario = ScenarioFactory(author=author, title="The well")
    rim = SceneFactory(
        scenario=scenario, title="At the rim of the old well", is_start_scene=True, position_x=0, position_y=0
    )
    bottom = SceneFactory(scenario=scenario, title="Bottom", position_x=300, position_y=0)
    light = SceneFactory(scenario=scenario, title="Light", is_end_scene=True, position_x=600, position_y=120)
    ChoiceFactory(from_scene=rim, to_scene=bottom, text="Climb down")
    ChoiceFactory(from_scene=bottom, to_scene=light, text="Up to the light")
    ChoiceFactory(from_scene=bottom, to_scene=rim, text="Back up")
    return scenario


@pytest.fixture
def map_page(page, well_with_light):
    page.goto("/signin/")
    page.fill("input[name=email]", well_with_light.author.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/stories/{well_with_light.pk}/")
    page.wait_for_selector("#map[data-ready=true]")
    return page


def rendered(page, scene) -> dict:
    """Where a scene's card is on the page, in CSS pixels."""
    return page.evaluate(
        """(id) => {
        const box = window.storyMap.getElementById(id).renderedBoundingBox();
        const map = document.getElementById('map').getBoundingClientRect();
        return {x: map.left + (box.x1 + box.x2) / 2, y: map.top + (box.y1 + box.y2) / 2, w: box.w, h: box.h};
    }""",
        str(scene.pk),
    )


def test_the_map_draws_every_scene_and_choice(map_page, well_with_light):
    counts = map_page.evaluate("[window.storyMap.nodes().length, window.storyMap.edges().length]")
    assert counts == [3, 3]
    names = map_page.locator("#map-scenes a").all_inner_texts()
    assert "At the rim of the old well, Start, 1 choice leaves, 1 enters" in names


def view(page) -> dict:
    return page.evaluate("({zoom: window.storyMap.zoom(), pan: window.storyMap.pan()})")


def model_point(page, x, y) -> dict:
    """The story coordinates under a page point."""
    return page.evaluate(
        """([x, y]) => {
        const map = document.getElementById('map').getBoundingClientRect();
        const cy = window.storyMap, zoom = cy.zoom(), pan = cy.pan();
        return {x: (x - map.left - pan.x) / zoom, y: (y - map.top - pan.y) / zoom};
    }""",
        [x, y],
    )


def test_wheel_zoom_keeps_the_point_under_the_pointer(map_page, well_with_light):
    box = map_page.locator("#map").bounding_box()
    pointer = (box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6)
    before = model_point(map_page, *pointer)
    zoom = view(map_page)["zoom"]
    map_page.mouse.move(*pointer)
    # A mouse's notches, one event each (cytoscape damps the first few while it learns the device).
    for _ in range(40):
        map_page.mouse.wheel(0, -100)
        if map_page.evaluate(f"window.storyMap.zoom() > {zoom} * 1.1"):
            break
    wait_until(map_page, f"window.storyMap.zoom() > {zoom} * 1.1")
    after = model_point(map_page, *pointer)
    assert abs(after["x"] - before["x"]) < 2 and abs(after["y"] - before["y"]) < 2


def test_fit_to_story_shows_every_card(map_page, well_with_light):
    map_page.evaluate("window.storyMap.viewport({zoom: 2.5, pan: {x: -3000, y: -2000}})")
    map_page.click("text=Fit to story")
    box = map_page.locator("#map").bounding_box()
    for scene in Scene.objects.filter(scenario=well_with_light):
        card = rendered(map_page, scene)
        assert box["x"] <= card["x"] - card["w"] / 2 and card["x"] + card["w"] / 2 <= box["x"] + box["width"]
        assert box["y"] <= card["y"] - card["h"] / 2 and card["y"] + card["h"] / 2 <= box["y"] + box["height"]


def test_a_drag_at_zoom_half_saves_the_position_under_the_pointer(map_page, well_with_light):
    map_page.evaluate("window.storyMap.zoom({level: 0.5, renderedPosition: {x: 200, y: 200}})")
    bottom = Scene.objects.get(scenario=well_with_light, title="Bottom")
    card = rendered(map_page, bottom)
    drag(map_page, card["x"], card["y"], 100, 60, steps=10)
    wait_until(map_page, "document.getElementById('map').dataset.lastSaved")
    bottom.refresh_from_db()
    # 100 and 60 page pixels at zoom 0.5 are 200 and 120 story units.
    assert (round(bottom.position_x), round(bottom.position_y)) == (500, 120)
    map_page.reload()
    map_page.wait_for_selector("#map[data-ready=true]")
    assert abs(rendered(map_page, bottom)["x"] - (card["x"] + 100)) < 3


def test_a_refused_save_puts_the_card_back_and_says_why(map_page, well_with_light):
    map_page.route(
        "**/map/place/",
        lambda route: route.fulfill(
            status=400, content_type="application/json", body=json.dumps({"error": "The story is locked for review."})
        ),
    )
    bottom = Scene.objects.get(scenario=well_with_light, title="Bottom")
    card = rendered(map_page, bottom)
    drag(map_page, card["x"], card["y"], 120, 90)
    map_page.wait_for_selector("#map-status.error:has-text('The story is locked for review.')")
    back = rendered(map_page, bottom)
    assert abs(back["x"] - card["x"]) < 1 and abs(back["y"] - card["y"]) < 1
    assert Scene.objects.get(pk=bottom.pk).position_x == 300


def test_a_stopped_server_puts_the_card_back_and_says_so(map_page, well_with_light):
    map_page.route("**/map/place/", lambda route: route.abort("connectionrefused"))
    bottom = Scene.objects.get(scenario=well_with_light, title="Bottom")
    card = rendered(map_page, bottom)
    drag(map_page, card["x"], card["y"], 120, 90)
    map_page.wait_for_selector("#map-status.error:has-text('could not be reached')")
    assert abs(rendered(map_page, bottom)["x"] - card["x"]) < 1


def link_drag(page, origin, target_point):
    page.click("[data-map=link]")
    assert page.get_attribute("[data-map=link]", "aria-pressed") == "true"
    card = rendered(page, origin)
    page.mouse.move(card["x"], card["y"])
    page.mouse.down()
    page.mouse.move(*target_point, steps=12)
    page.mouse.up()


def test_dragging_from_a_scene_onto_another_links_them(map_page, well_with_light):
    rim, light = (
        Scene.objects.get(scenario=well_with_light, title__startswith=title) for title in ("At the rim", "Light")
    )
    target = rendered(map_page, light)
    link_drag(map_page, rim, (target["x"], target["y"]))
    wait_until(map_page, "window.storyMap.edges().length === 4")
    assert Choice.objects.filter(from_scene=rim, to_scene=light).count() == 1
    # Its label is typed in place, on the arrow, right away.
    field = map_page.locator(".map-label-editor")
    assert field.evaluate("(element) => element === document.activeElement")
    assert field.get_attribute("aria-label") == "Label of the choice from “At the rim of the old well” to “Light”"
    map_page.keyboard.type("Climb out into the light")
    map_page.keyboard.press("Enter")
    map_page.wait_for_selector("#map-status:has-text('The choice now reads “Climb out into the light”.')")
    assert Choice.objects.get(from_scene=rim, to_scene=light).text == "Climb out into the light"
    assert map_page.locator(".map-label-editor").count() == 0


def test_dragging_a_link_onto_empty_space_adds_a_scene_there(map_page, well_with_light):
    light = Scene.objects.get(scenario=well_with_light, title="Light")
    box = map_page.locator("#map").bounding_box()
    point = (box["x"] + box["width"] - 150, box["y"] + 80)
    where = model_point(map_page, *point)
    link_drag(map_page, light, point)
    wait_until(map_page, "window.storyMap.nodes().length === 4")
    added = Scene.objects.get(scenario=well_with_light, title="New scene")
    assert Choice.objects.filter(from_scene=light, to_scene=added).count() == 1
    assert abs(added.position_x + 90 - where["x"]) < 3 and abs(added.position_y + 32 - where["y"]) < 3


def test_a_new_scene_lands_inside_the_view(map_page, well_with_light):
    map_page.evaluate("window.storyMap.viewport({zoom: 1, pan: {x: -2000, y: -1500}})")
    map_page.click("text=Add a scene")
    map_page.wait_for_url("**/scenes/**")
    map_page.wait_for_selector("#map[data-ready=true]")
    added = Scene.objects.filter(scenario=well_with_light).order_by("-order").first()
    card = rendered(map_page, added)
    box = map_page.locator("#map").bounding_box()
    assert box["x"] < card["x"] < box["x"] + box["width"] and box["y"] < card["y"] < box["y"] + box["height"]


def test_scenes_added_one_after_another_each_have_a_place_of_their_own(map_page, well_with_light):
    for count in (1, 2):  # nothing selected: each goes to the centre of the view, below what is there
        map_page.evaluate("window.storyMap.$(':selected').unselect()")
        with map_page.expect_navigation():  # the button posts a plain form; the scene's page follows
            map_page.click("text=Add a scene")
        map_page.wait_for_selector(f"#map[data-ready=true][data-scenes='{3 + count}']")
    boxes = map_page.evaluate(
        "window.storyMap.nodes('[url]').map((node) => { const b = node.boundingBox(); return [b.x1, b.y1, b.x2, b.y2]; })"
    )
    overlapping = [
        (one, other)
        for index, one in enumerate(boxes)
        for other in boxes[index + 1 :]
        if one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]
    ]
    assert len(boxes) == 5 and overlapping == []


def test_a_click_selects_that_card_alone_and_shift_click_adds_with_the_map_in_view(map_page, well_with_light):
    rim, bottom, light = (
        Scene.objects.get(scenario=well_with_light, title__startswith=title)
        for title in ("At the rim", "Bottom", "Light")
    )
    selected = "window.storyMap.$('node:selected').map((node) => node.data('title')).sort()"
    where = rendered(map_page, rim)
    map_page.mouse.click(where["x"], where["y"])
    map_page.wait_for_selector("#panel .scene-panel h2:has-text('At the rim')")
    # The focus stays on the map: the page does not scroll to the panel's "New choice" field under the pointer.
    assert map_page.evaluate("[window.scrollY, document.activeElement.id]") == [0, "map"]
    where = rendered(map_page, bottom)
    map_page.mouse.click(where["x"], where["y"])
    map_page.wait_for_selector("#panel .scene-panel h2:has-text('Bottom')")
    assert map_page.evaluate(selected) == ["Bottom"]
    where = rendered(map_page, light)
    map_page.keyboard.down("Shift")
    map_page.mouse.click(where["x"], where["y"])
    map_page.keyboard.up("Shift")
    assert map_page.evaluate(selected) == ["Bottom", "Light"]


def test_the_keyboard_follows_choices_and_enter_opens_the_panel(map_page, well_with_light):
    map_page.focus("#map-scenes a:has-text('At the rim')")
    map_page.keyboard.press("ArrowRight")
    focused = map_page.evaluate("document.activeElement.textContent")
    assert focused.startswith("Bottom, 2 choices leave, 1 enters")
    assert map_page.evaluate("window.storyMap.$('node.focused').data('title')") == "Bottom"
    map_page.keyboard.press("ArrowRight")
    assert map_page.evaluate("document.activeElement.textContent").startswith("Light, Ending")
    map_page.keyboard.press("ArrowLeft")
    map_page.keyboard.press("Enter")
    map_page.wait_for_selector("#panel .scene-panel h2:has-text('Bottom')")
    assert "/scenes/" in map_page.url


def test_an_edit_elsewhere_refreshes_the_map_in_place(map_page, well_with_light):
    Scene.objects.filter(scenario=well_with_light, title="Bottom").update(title="The dark bottom")
    map_page.evaluate("window.storyMap.viewport({zoom: 0.8, pan: {x: 10, y: 20}})")
    map_page.evaluate("document.body.dispatchEvent(new CustomEvent('story-changed', {detail: {scenes: []}}))")
    map_page.wait_for_selector("#map-scenes a:has-text('The dark bottom')")
    assert view(map_page) == {"zoom": 0.8, "pan": {"x": 10, "y": 20}}


def refresh(page) -> None:
    page.evaluate("document.body.dispatchEvent(new CustomEvent('story-changed', {detail: {scenes: []}}))")


def test_an_edit_patches_the_map_and_leaves_the_rest_as_drawn(map_page, well_with_light):
    rim, bottom, light = (
        Scene.objects.get(scenario=well_with_light, title__startswith=title)
        for title in ("At the rim", "Bottom", "Light")
    )
    # What the author did to the drawn map, and a mark of our own that only the same cytoscape element keeps.
    map_page.evaluate(f"""() => {{ window.storyMap.getElementById('{rim.pk}').select();
        window.storyMap.elements().forEach((element) => element.scratch('_drawn', true)); }}""")
    Scene.objects.filter(pk=bottom.pk).update(title="The dark bottom", group="Depths", is_end_scene=True)
    Choice.objects.filter(from_scene=bottom, to_scene=rim).update(to_scene=light)
    refresh(map_page)
    map_page.wait_for_selector("#map-scenes a:has-text('The dark bottom')")
    card = map_page.evaluate(f"""() => {{ const node = window.storyMap.getElementById('{bottom.pk}');
        return {{label: node.data('label'), ending: node.hasClass('ending'), box: node.parent().data('name'),
                 kept: node.scratch('_drawn') === true}}; }}""")
    assert card == {"label": "The dark bottom\nEnding", "ending": True, "box": "Depths", "kept": True}
    untouched = map_page.evaluate(f"""() => {{ const node = window.storyMap.getElementById('{rim.pk}');
        return [node.scratch('_drawn') === true, node.selected()]; }}""")
    assert untouched == [True, True]
    arrows = map_page.evaluate("""() => window.storyMap.edges().map((edge) =>
        [edge.source().data('title'), edge.target().data('title'), edge.scratch('_drawn') === true]).sort()""")
    assert arrows == [
        ["At the rim of the old well", "The dark bottom", True],
        ["The dark bottom", "Light", False],  # the arrow whose target changed is drawn anew
        ["The dark bottom", "Light", True],
    ]

    # A scene deleted elsewhere: its card and arrows go, and the group left empty with them.
    Choice.objects.filter(scenario=well_with_light).filter(from_scene=bottom).delete()
    Choice.objects.filter(to_scene=bottom).delete()
    Scene.objects.filter(pk=bottom.pk).delete()
    refresh(map_page)
    wait_until(map_page, "document.getElementById('map').dataset.scenes === '2'")
    assert map_page.evaluate("[window.storyMap.nodes().length, window.storyMap.edges().length]") == [2, 0]
    assert map_page.locator("#map-scenes a").count() == 2


def test_a_refresh_keeps_the_keyboard_on_the_scene_it_was_on(map_page, well_with_light):
    map_page.focus("#map-scenes a:has-text('Bottom')")
    Scene.objects.filter(scenario=well_with_light, title="Light").update(title="The light")
    map_page.evaluate("document.body.dispatchEvent(new CustomEvent('story-changed', {detail: {scenes: []}}))")
    map_page.wait_for_selector("#map-scenes a:has-text('The light')")
    assert map_page.evaluate("document.activeElement.textContent").startswith("Bottom, 2 choices leave")
    map_page.keyboard.press("Enter")
    map_page.wait_for_selector("#panel .scene-panel h2:has-text('Bottom')")


def test_a_large_story_is_drawn_the_cheaper_way(map_page, well_with_light, settings):
    assert map_page.evaluate("window.storyMap.edges().first().style('curve-style')") == "bezier"
    settings.MAP_LARGE_STORY_SCENES = 3  # this story's three scenes are a large story now
    map_page.reload()
    map_page.wait_for_selector("#map[data-ready=true]")
    assert map_page.evaluate("window.storyMap.edges().first().style('curve-style')") == "straight"
    assert map_page.evaluate("window.storyMap.options().textureOnViewport") is True


def test_the_view_is_kept_across_reloads(map_page, well_with_light):
    map_page.evaluate("window.storyMap.viewport({zoom: 0.6, pan: {x: 33, y: 44}})")
    map_page.reload()
    map_page.wait_for_selector("#map[data-ready=true]")
    assert view(map_page) == {"zoom": 0.6, "pan": {"x": 33, "y": 44}}


def test_tidy_up_lays_the_story_out_and_can_be_undone(map_page, well_with_light):
    before = {
        scene.pk: (scene.position_x, scene.position_y) for scene in Scene.objects.filter(scenario=well_with_light)
    }
    loaded = "performance.getEntriesByType('resource').some((entry) => entry.name.includes('map-elk'))"
    assert map_page.evaluate(loaded) is False  # the layout's bundle is fetched by the first tidy-up only
    map_page.click(".map-tools >> text=Tidy up")
    map_page.wait_for_selector("text=The map is tidied up")
    assert map_page.evaluate(loaded) is True
    after = {scene.pk: (scene.position_x, scene.position_y) for scene in Scene.objects.filter(scenario=well_with_light)}
    assert after != before
    map_page.click("#history button:has-text('Undo: tidy up')")
    map_page.wait_for_selector("#history button:has-text('Redo: tidy up')")
    wait_until(map_page, "document.getElementById('map').dataset.scenes === '3'")
    assert map_page.locator("#map-status").inner_text() == ""  # "The map is tidied up" no longer holds
    assert {
        scene.pk: (scene.position_x, scene.position_y) for scene in Scene.objects.filter(scenario=well_with_light)
    } == before


def test_scenes_grouped_into_a_chapter_move_as_one_and_fold_to_one_card(map_page, well_with_light):
    rim, bottom, light = (
        Scene.objects.get(scenario=well_with_light, title__startswith=title)
        for title in ("At the rim", "Bottom", "Light")
    )
    map_page.evaluate(
        f"window.storyMap.getElementById('{rim.pk}').select();window.storyMap.getElementById('{bottom.pk}').select()"
    )
    map_page.fill("input[aria-label='Group name']", "Down the well")
    map_page.click("text=Group selected")
    map_page.wait_for_selector("#map-status:has-text('2 scenes in “Down the well”.')")
    assert sorted(Scene.objects.filter(scenario=well_with_light).values_list("group", flat=True)) == [
        "",
        "Down the well",
        "Down the well",
    ]
    wait_until(map_page, "window.storyMap.nodes('.group').length === 1")
    assert "in the group “Down the well”" in map_page.locator(f"#map-scenes a[data-scene-id='{rim.pk}']").inner_text()

    # The Undo button's new label comes by a fetch of its own and can move the map down: wait for it first.
    map_page.wait_for_selector("#history [data-history=undo]:has-text('group')")
    # The box is dragged by its edge, and its scenes go with it: one drop, both saved.
    box = map_page.evaluate("""() => { const b = window.storyMap.nodes('.group').renderedBoundingBox();
        const m = document.getElementById('map').getBoundingClientRect();
        return {x: m.x + b.x1 + 8, y: m.y + (b.y1 + b.y2) / 2}; }""")
    drag(map_page, box["x"], box["y"], 80, 40)
    wait_until(map_page, "document.getElementById('map').dataset.lastSaved")
    # Both moved by the same step, and each is saved where the map draws it (the card's top-left corner).
    drawn = map_page.evaluate(f"""() => ['{rim.pk}', '{bottom.pk}'].map((id) => {{
        const p = window.storyMap.getElementById(id).position(); return [p.x - 90, p.y - 32]; }})""")
    moves = []
    for scene, (x, y), (drawn_x, drawn_y) in zip((rim, bottom), ((0, 0), (300, 0)), drawn):
        scene.refresh_from_db()
        assert abs(scene.position_x - drawn_x) < 2 and abs(scene.position_y - drawn_y) < 2
        moves.append((scene.position_x - x, scene.position_y - y))
    assert moves[0] == moves[1] and moves[0][0] > 20 and moves[0][1] > 10
    assert Scene.objects.get(pk=light.pk).position_x == 600

    # A double click folds it: its scenes hide, the arrow to "Light" leaves from the folded card.
    map_page.evaluate("window.storyMap.nodes('.group').emit('dbltap')")
    wait_until(map_page, f"window.storyMap.getElementById('{rim.pk}').style('display') === 'none'")
    assert map_page.evaluate("window.storyMap.edges('.meta').map((edge) => edge.target().data('title'))") == ["Light"]
    folded = "window.storyMap.nodes('.group').data('collapsedLabel')"
    assert map_page.evaluate(folded) == "Down the well\n2 scenes (double-click to open)"
    map_page.reload()
    map_page.wait_for_selector("#map[data-ready=true]")
    assert map_page.evaluate("window.storyMap.nodes('.group').hasClass('collapsed')")  # kept in this browser


def test_the_cards_can_be_coloured_by_random_playthroughs_visits(rq_redis, map_page, well_with_light):
    map_page.select_option("[data-map-heat]", "playthroughs")
    map_page.wait_for_selector("#map-status:has-text('Share of random playthroughs that visit each scene')")
    heat = map_page.evaluate(
        "Object.fromEntries(window.storyMap.nodes('.heated').map((n) => [n.data('title'), n.data('heat')]))"
    )
    # Every playthrough starts at the rim: the deepest colour; all three cards are coloured.
    assert heat["At the rim of the old well"] == "rgb(201, 42, 42)" and len(heat) == 3
    # The arrows by the share of playthroughs that took them: every one climbs down, about half come back up.
    widths = map_page.evaluate(
        "Object.fromEntries(window.storyMap.edges('.heated').map((e) => [e.data('text'), e.data('heatWidth')]))"
    )
    assert widths["Climb down"] == 8 and 1 < widths["Back up"] < 8 and len(widths) == 3
    assert map_page.locator("[data-map-heat-legend]").is_visible()
    map_page.select_option("[data-map-heat]", "")
    wait_until(map_page, "window.storyMap.elements('.heated').length === 0")
    assert not map_page.locator("[data-map-heat-legend]").is_visible()


def test_the_colouring_of_a_large_story_comes_when_its_playthroughs_job_is_done(rq_redis, map_page, settings):
    settings.ANALYSIS_JOB_SCENES = 2  # this story's three scenes count as a large story: analysed by a job
    map_page.select_option("[data-map-heat]", "playthroughs")
    map_page.wait_for_selector("#map-status:has-text('The playthroughs are still being run')")
    assert map_page.evaluate("window.storyMap.nodes('.heated').length") == 0
    run_worker("default")
    # The map asks again by itself and colours the cards once the job has stored its figures.
    map_page.wait_for_selector("#map-status:has-text('Share of random playthroughs')", timeout=15_000)
    assert map_page.evaluate("window.storyMap.nodes('.heated').length") == 3


def test_an_unknown_colouring_is_refused(map_page, well_with_light):
    answer = map_page.request.get(f"/stories/{well_with_light.pk}/map/heat/?layer=gossip")
    assert answer.status == 404 and answer.json() == {"error": "No such map colouring: gossip."}
