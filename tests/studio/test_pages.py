"""The studio's pages and partials: permissions, forms, htmx and full-page answers."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from story_admin.services.choices import update_choice
from story_admin.services.scenes import update_scene
from story_admin.services import state as story_state
from story_admin.models import Choice, EditStep, Scenario, Scene
from story_admin.selectors import load_story
from studio.views.story_map import map_document
from tests.factories import CAVE, PASSWORD, ScenarioFactory, SceneFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_scene_story(author):
    scenario = ScenarioFactory(author=author, title="The Cellar")
    start = SceneFactory(scenario=scenario, title="Start", is_start_scene=True, order=0, position_x=0)
    end = SceneFactory(scenario=scenario, title="End", is_end_scene=True, ending_kind="happy", order=1, position_x=300)
    Choice.objects.create(scenario=scenario, from_scene=start, to_scene=end, text="Open the door")
    return scenario


def test_authors_sign_in_with_email(client, author):
    response = client.post(reverse("studio:signin"), {"email": author.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("studio:dashboard")


def test_players_are_turned_away(client):
    player = UserFactory()
    response = client.post(reverse("studio:signin"), {"email": player.email, "password": PASSWORD})
    assert "The studio is for authors" in response.text
    assert client.get(reverse("studio:dashboard")).status_code == 302


def test_wrong_password_says_so(client, author):
    response = client.post(reverse("studio:signin"), {"email": author.email, "password": "nope"})
    assert "Wrong email or password." in response.text


def test_pages_need_a_signed_in_author(client, two_scene_story):
    response = client.get(reverse("studio:story", args=[two_scene_story.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("studio:signin"))


def test_empty_dashboard_explains_what_to_do(studio):
    assert "No story yet." in studio.get(reverse("studio:dashboard")).text


def test_dashboard_cards_show_counts_and_only_own_stories(studio, two_scene_story):
    ScenarioFactory(title="Someone else's")
    page = studio.get(reverse("studio:dashboard")).text
    assert "The Cellar" in page and "Someone else" not in page
    assert "2 scenes" in page and "1 ending" in page and "no problems" in page


def test_create_story_lands_on_its_map(studio, author):
    response = studio.post(reverse("studio:create_story"), {"title": "Nouvelle", "language": "fr"})
    story = Scenario.objects.get(title="Nouvelle")
    assert response["Location"] == reverse("studio:story", args=[story.pk]) and story.author == author
    assert "has no scene yet" in studio.get(response["Location"]).text


def test_create_story_errors_show_next_to_the_field(studio):
    response = studio.post(reverse("studio:create_story"), {"title": "", "language": "fr"})
    assert response.status_code == 400 and "This field is required" in response.text
    assert not Scenario.objects.exists()


def test_another_authors_story_is_a_404(studio):
    theirs = ScenarioFactory(title="Theirs")
    scene = SceneFactory(scenario=theirs)
    for url in (
        reverse("studio:story", args=[theirs.pk]),
        reverse("studio:outline", args=[theirs.pk]),
        reverse("studio:scene", args=[theirs.pk, scene.pk]),
        reverse("studio:export_story", args=[theirs.pk, "twee"]),
        reverse("studio:delete_story", args=[theirs.pk]),
    ):
        assert studio.get(url).status_code == 404, url
    assert studio.post(reverse("studio:scene", args=[theirs.pk, scene.pk]), {"title": "Mine"}).status_code == 404
    assert Scene.objects.get(pk=scene.pk).title != "Mine"


def test_map_json_has_scenes_at_their_positions_and_choices(studio, two_scene_story):
    page = studio.get(reverse("studio:story", args=[two_scene_story.pk])).text
    assert 'data-json-url="' in page and "None: every scene can be reached" in page
    document = studio.get(reverse("studio:map_json", args=[two_scene_story.pk])).json()
    assert len(document["scenes"]) == 2 and len(document["choices"]) == 1
    start, end = sorted(document["scenes"], key=lambda scene: scene["title"] != "Start")
    # Each scene and choice carries only the fields it has; map.js makes each card's link from scene_url.
    assert start == {"id": start["id"], "title": "Start", "x": 0, "y": start["y"], "start": True}
    assert end == {
        "id": end["id"],
        "title": "End",
        "x": 300,
        "y": end["y"],
        "ending": True,
        "ending_kind": "Happy ending",
    }
    assert document["scene_url"].replace("{id}", start["id"]) == reverse(
        "studio:scene", args=[two_scene_story.pk, start["id"]]
    )
    assert document["choices"] == [
        {"id": document["choices"][0]["id"], "from": start["id"], "to": end["id"], "label": "Open the door"}
    ]


def test_the_map_page_embeds_the_map_document_so_opening_the_map_reads_the_story_once(studio, two_scene_story):
    for url in (
        reverse("studio:story", args=[two_scene_story.pk]),
        reverse("studio:scene", args=[two_scene_story.pk, two_scene_story.scenes.get(title="Start").pk]),
    ):
        page = studio.get(url).text
        embedded = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', page, re.S)
        assert embedded, url
        assert json.loads(embedded.group(1)) == studio.get(reverse("studio:map_json", args=[two_scene_story.pk])).json()


def test_map_json_shows_each_scene_and_choice_state_rules_as_short_hints(studio, two_scene_story, author):
    story_state.declare_variable(editor=author, scenario=two_scene_story, name="gold", kind="number", initial=0)
    story_state.declare_item(editor=author, scenario=two_scene_story, name="lantern")
    start = Scene.objects.get(scenario=two_scene_story, title="Start")
    update_scene(editor=author, scene=start, effects_text='gold += 5\ngain "lantern"')
    choice = Choice.objects.get(scenario=two_scene_story)
    update_choice(editor=author, choice=choice, condition_text="gold >= 5", effects_text="gold -= 5")
    document = studio.get(reverse("studio:map_json", args=[two_scene_story.pk])).json()
    scene = next(scene for scene in document["scenes"] if scene["title"] == "Start")
    assert scene["effects"] == 'gold += 5; gain "lantern"'
    assert (document["choices"][0]["condition"], document["choices"][0]["effects"]) == ("gold >= 5", "gold -= 5")
    assert document["choices"][0]["conditioned"] is True
    assert "effects" not in next(scene for scene in document["scenes"] if scene["title"] != "Start")
    # The outline map.json reads (no texts, no models) makes the same document as the whole story.
    assert document == map_document(two_scene_story, story=load_story(two_scene_story))


def test_map_place_moves_many_scenes_and_refuses_bad_positions(studio, two_scene_story):
    scenes = list(Scene.objects.filter(scenario=two_scene_story))
    url = reverse("studio:map_place", args=[two_scene_story.pk])
    saved = studio.post(
        url, {"positions": {str(scenes[0].pk): [10, 20], str(scenes[1].pk): [30, 40]}}, content_type="application/json"
    )
    assert saved.status_code == 200 and saved.json() == {"saved": 2}
    assert (Scene.objects.get(pk=scenes[1].pk).position_x, Scene.objects.get(pk=scenes[1].pk).position_y) == (30, 40)
    refused = studio.post(url, {"positions": {str(scenes[0].pk): ["left", 0]}}, content_type="application/json")
    assert refused.status_code == 400 and "map position x" in refused.json()["error"]
    assert Scene.objects.get(pk=scenes[0].pk).position_x == 10
    not_an_id = studio.post(url, {"positions": {"start": [0, 0]}}, content_type="application/json")
    assert not_an_id.status_code == 400 and "could not be read" in not_an_id.json()["error"]
    # A drop of one card is one step of the history that names only that card.
    studio.post(url, {"positions": {str(scenes[1].pk): [50, 60]}}, content_type="application/json")
    step = EditStep.objects.filter(scenario_id=two_scene_story.pk).order_by("-created_at").first()
    assert [change["id"] for change in step.changes] == [str(scenes[1].pk)]


def test_scene_panel_htmx_partial_and_full_page(studio, two_scene_story):
    start = Scene.objects.get(scenario=two_scene_story, title="Start")
    url = reverse("studio:scene", args=[two_scene_story.pk, start.pk])
    partial = studio.get(url, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text and 'name="title"' in partial.text and "Open the door" in partial.text
    full = studio.get(url)
    assert "<html" in full.text and 'id="map"' in full.text and 'name="title"' in full.text


def test_saving_a_scene_updates_the_problems(studio, two_scene_story):
    start = Scene.objects.get(scenario=two_scene_story, title="Start")
    Choice.objects.filter(scenario=two_scene_story).delete()
    url = reverse("studio:scene", args=[two_scene_story.pk, start.pk])
    response = studio.post(url, {"title": "Start", "text": "Dark", "is_start_scene": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "is a dead end" in response.text
    assert (
        'id="problems" hx-swap-oob="true"' not in response.text and 'id="map" hx-swap-oob="true"' not in response.text
    )
    assert json.loads(response.headers["HX-Trigger"]) == {"story-changed": {"scenes": [str(start.pk)]}}
    studio.post(
        url, {"title": "Start", "text": "Dark", "is_start_scene": "on", "ending": "tragic"}, HTTP_HX_REQUEST="true"
    )
    assert Scene.objects.get(pk=start.pk).ending_kind == "tragic"


def test_the_problems_list_is_fetched_again_after_an_edit_outside_the_panel(studio, two_scene_story):
    page = studio.get(reverse("studio:story", args=[two_scene_story.pk])).text
    url = reverse("studio:problems", args=[two_scene_story.pk])
    # One fetch when an edit sends both events at once (autosave does): htmx shares the delay per element.
    assert f'hx-get="{url}" hx-trigger="story-edited from:body delay:50ms, story-changed from:body delay:50ms"' in page
    Choice.objects.filter(scenario=two_scene_story).delete()
    problems = studio.get(url, HTTP_HX_REQUEST="true").text
    assert "“Start” is a dead end" in problems and "<html" not in problems


def test_a_label_typed_on_the_map_renames_the_choice_and_bad_ones_change_nothing(studio, two_scene_story):
    choice = Choice.objects.filter(scenario=two_scene_story).first()
    url = reverse("studio:map_label", args=[two_scene_story.pk])
    answer = studio.post(
        url, json.dumps({"choice": str(choice.pk), "label": "  Take the stairs "}), content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json() == {"choice": str(choice.pk), "label": "Take the stairs"}
    assert Choice.objects.get(pk=choice.pk).text == "Take the stairs"
    refused = studio.post(url, json.dumps({"choice": str(choice.pk), "label": "   "}), content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]
    unreadable = studio.post(url, "{not json", content_type="application/json")
    assert unreadable.status_code == 400 and "could not be read" in unreadable.json()["error"]
    gone = studio.post(
        url, json.dumps({"choice": "0123456789abcdef01234567", "label": "x"}), content_type="application/json"
    )
    assert gone.status_code == 404
    assert Choice.objects.get(pk=choice.pk).text == "Take the stairs"


def test_scene_form_errors_keep_the_text(studio, two_scene_story):
    start = Scene.objects.get(scenario=two_scene_story, title="Start")
    response = studio.post(
        reverse("studio:scene", args=[two_scene_story.pk, start.pk]),
        {"title": "", "text": "My long paragraph"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and "This field is required" in response.text
    assert "My long paragraph" in response.text and Scene.objects.get(pk=start.pk).title == "Start"


def test_autosave_saves_the_ending_and_start_picked_and_refuses_an_unknown_ending(studio, two_scene_story):
    start = Scene.objects.get(scenario=two_scene_story, title="Start")
    end = Scene.objects.get(scenario=two_scene_story, title="End")
    url = reverse("studio:autosave", args=[two_scene_story.pk, end.pk])
    refused = studio.post(url, {"title": "End", "text": "", "ending": "glorious", "is_start_scene": "on"})
    assert refused.status_code == 422
    assert refused.json()["fields"] == {
        "ending": ["Select a valid choice. glorious is not one of the available choices."]
    }
    assert refused.json()["error"].startswith("Ending: Select a valid choice.")
    assert Scene.objects.get(pk=end.pk).is_start_scene is False  # nothing of a refused save is kept

    saved = studio.post(url, {"title": "End", "text": "", "ending": "tragic", "is_start_scene": "on"})
    assert saved.status_code == 200
    end.refresh_from_db()
    start.refresh_from_db()
    assert (end.is_end_scene, end.ending_kind, end.is_start_scene, start.is_start_scene) == (
        True,
        "tragic",
        True,
        False,
    )
    studio.post(url, {"title": "End", "text": "", "ending": "", "is_start_scene": ""})
    end.refresh_from_db()
    assert (end.is_end_scene, end.ending_kind, end.is_start_scene) == (False, "", False)
    # A save that sends only the text (an older page) leaves them as stored.
    update_scene(editor=two_scene_story.author, scene=end, is_end_scene=True, ending_kind="secret")
    studio.post(url, {"title": "End", "text": "Fin."})
    end.refresh_from_db()
    assert (end.text, end.is_end_scene, end.ending_kind) == ("Fin.", True, "secret")


def test_a_scene_page_opened_from_its_address_names_the_step_undo_would_take(studio, two_scene_story):
    start = Scene.objects.get(scenario=two_scene_story, title="Start")
    scene_page = reverse("studio:scene", args=[two_scene_story.pk, start.pk])

    def undo_button(url):
        return re.search(r'data-history="undo"[^>]*>([^<]+)<', studio.get(url).text).group(1).strip()

    assert undo_button(scene_page) == "Nothing to undo"
    studio.post(
        reverse("studio:autosave", args=[two_scene_story.pk, start.pk]), {"title": "Start", "text": "A cellar."}
    )
    # A reload with the panel open (or the page "Add a scene" leads to) says what the map page says.
    assert undo_button(scene_page).startswith("Undo: ")
    assert undo_button(scene_page) == undo_button(reverse("studio:story", args=[two_scene_story.pk]))


def test_add_scene_and_connect_it(studio, two_scene_story):
    response = studio.post(reverse("studio:add_scene", args=[two_scene_story.pk]), {"title": "Attic"})
    attic = Scene.objects.get(scenario=two_scene_story, title="Attic")
    assert response["Location"] == reverse("studio:scene", args=[two_scene_story.pk, attic.pk])
    end = Scene.objects.get(scenario=two_scene_story, title="End")
    studio.post(
        reverse("studio:add_choice", args=[two_scene_story.pk, attic.pk]), {"text": "Jump", "to_scene": str(end.pk)}
    )
    assert Choice.objects.get(from_scene=attic).to_scene == end


def test_a_choice_cannot_lead_out_of_the_story(studio, two_scene_story):
    start = Scene.objects.get(scenario=two_scene_story, title="Start")
    elsewhere = SceneFactory(scenario=ScenarioFactory(author=two_scene_story.author))
    response = studio.post(
        reverse("studio:add_choice", args=[two_scene_story.pk, start.pk]),
        {"text": "Portal", "to_scene": str(elsewhere.pk)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and "No scene is called" in response.text
    assert not Choice.objects.filter(text="Portal").exists()


def test_delete_a_choice(studio, two_scene_story):
    choice = Choice.objects.get(scenario=two_scene_story)
    studio.post(reverse("studio:delete_choice", args=[two_scene_story.pk, choice.from_scene_id, choice.pk]))
    assert not Choice.objects.filter(pk=choice.pk).exists()


def test_refused_publish_lists_the_problems(studio, two_scene_story):
    Choice.objects.filter(scenario=two_scene_story).update(to_scene=None)
    response = studio.post(reverse("studio:publish", args=[two_scene_story.pk]), {"publish": "1"}, follow=True)
    assert "cannot be published yet" in response.text and "leads nowhere" in response.text
    assert not Scenario.objects.get(pk=two_scene_story.pk).is_published


def test_outline_works_without_javascript(studio, two_scene_story):
    page = studio.get(reverse("studio:outline", args=[two_scene_story.pk])).text
    end = Scene.objects.get(scenario=two_scene_story, title="End")
    assert "Open the door" in page and f'href="#scene-{end.pk}"' in page and "Ending: Happy ending" in page


def test_import_and_export_buttons(studio, author):
    response = studio.post(reverse("studio:import_story"), {"file": SimpleUploadedFile("cave.twee", CAVE.encode())})
    assert response.status_code == 302
    story = Scenario.objects.get(title="The Cave")
    download = studio.get(reverse("studio:export_story", args=[story.pk, "twee"]))
    assert download["Content-Disposition"] == 'attachment; filename="the-cave.twee"'
    assert download.content.startswith(b":: StoryTitle\nThe Cave")
    bad = studio.post(reverse("studio:import_story"), {"file": SimpleUploadedFile("x.twee", b"oops\n:: A")})
    assert bad.status_code == 400 and "Line 1: text before the first passage header" in bad.text


def test_duplicate_and_delete_with_confirmation(studio, two_scene_story):
    studio.post(reverse("studio:duplicate_story", args=[two_scene_story.pk]))
    copy = Scenario.objects.get(title="The Cellar (copy)")
    assert Scene.objects.filter(scenario=copy).count() == 2
    confirm = studio.get(reverse("studio:delete_story", args=[copy.pk]))
    assert "This deletes its 2 scenes" in confirm.text
    studio.post(reverse("studio:delete_story", args=[copy.pk]))
    assert not Scenario.objects.filter(pk=copy.pk).exists() and Scenario.objects.filter(pk=two_scene_story.pk).exists()


def test_hostile_content_is_shown_as_text(studio, author):
    story = ScenarioFactory(author=author, title="<script>alert(1)</script>")
    SceneFactory(scenario=story, title="<img src=x onerror=alert(2)>", is_start_scene=True)
    pages = {
        url: studio.get(url).text
        for url in (
            reverse("studio:dashboard"),
            reverse("studio:story", args=[story.pk]),
            reverse("studio:outline", args=[story.pk]),
        )
    }
    for url, page in pages.items():
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
    # The dashboard lists stories only; the map and the outline show the scene's title as text too.
    for url in (reverse("studio:story", args=[story.pk]), reverse("studio:outline", args=[story.pk])):
        assert "&lt;img src=x onerror=alert(2)&gt;" in pages[url], url


def test_moving_a_scene_saves_it_and_redraws_the_map(studio, two_scene_story):
    start = Scene.objects.get(scenario=two_scene_story, title="Start")
    response = studio.post(
        reverse("studio:move_scene", args=[two_scene_story.pk, start.pk]),
        {"x": "120.5", "y": "-40"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'id="map-changed"' in response.text
    stored = Scene.objects.get(pk=start.pk)
    assert (stored.position_x, stored.position_y) == (120.5, -40)
    refused = studio.post(reverse("studio:move_scene", args=[two_scene_story.pk, start.pk]), {"x": "left", "y": "0"})
    assert refused.status_code == 400 and "map position x" in refused.text


def test_double_click_position_creates_the_scene_there(studio, two_scene_story):
    studio.post(reverse("studio:add_scene", args=[two_scene_story.pk]), {"x": "600", "y": "250"})
    scene = Scene.objects.get(scenario=two_scene_story, title="New scene")
    assert (scene.position_x, scene.position_y) == (600, 250)


def test_tidy_up_lays_out_left_to_right_and_can_be_undone(studio, two_scene_story):
    attic = SceneFactory(scenario=two_scene_story, title="Attic", position_x=-500, position_y=900)
    start, end = (
        Scene.objects.get(scenario=two_scene_story, title="Start"),
        Scene.objects.get(scenario=two_scene_story, title="End"),
    )
    Scene.objects.filter(pk=end.pk).update(position_x=-100, position_y=-100)
    studio.post(reverse("studio:tidy_up", args=[two_scene_story.pk]))
    placed = {
        scene.title: (scene.position_x, scene.position_y) for scene in Scene.objects.filter(scenario=two_scene_story)
    }
    assert placed["Start"][0] < placed["End"][0] < placed["Attic"][0]
    page = studio.get(reverse("studio:story", args=[two_scene_story.pk])).text
    assert "Undo: tidy up" in page
    studio.post(reverse("studio:undo_tidy_up", args=[two_scene_story.pk]))  # the older address still undoes it
    assert (Scene.objects.get(pk=end.pk).position_x, Scene.objects.get(pk=attic.pk).position_y) == (-100, 900)
    assert Scene.objects.get(pk=start.pk).position_x == 0
    page = studio.get(reverse("studio:story", args=[two_scene_story.pk])).text
    assert "Undo: tidy up" not in page and "Redo: tidy up" in page


def link(page: str, text: str) -> str:
    """The address of the link that reads `text` on the page."""
    from html import unescape

    match = re.search(r'<a href="([^"]+)">' + re.escape(text) + "</a>", page)
    assert match, f"No link “{text}” on the page."
    return unescape(match.group(1))


def test_play_test_to_an_ending_and_back(studio, two_scene_story, player_progress_untouched):
    url = reverse("studio:play", args=[two_scene_story.pk])
    page = studio.get(url, follow=True).text
    assert "<h1>Start</h1>" in page and "Open the door" in page
    ending = studio.get(link(page, "Open the door")).text
    assert "<h1>End</h1>" in ending and "The end — happy ending, after 1 choice." in ending
    assert "<h1>Start</h1>" in studio.get(link(ending, "Back")).text


def test_test_from_here_starts_at_that_scene(studio, two_scene_story):
    end = Scene.objects.get(scenario=two_scene_story, title="End")
    page = studio.get(reverse("studio:play", args=[two_scene_story.pk]), {"scene": str(end.pk)}, follow=True).text
    assert "<h1>End</h1>" in page and "Back</a>" not in page


@pytest.fixture
def player_progress_untouched(db):
    from story_admin.models import PlayerProgress

    yield
    assert not PlayerProgress.objects.exists()


def test_deleting_a_scene_can_be_undone(studio, two_scene_story):
    end = Scene.objects.get(scenario=two_scene_story, title="End")
    choice = Choice.objects.get(scenario=two_scene_story)
    studio.post(reverse("studio:delete_scene", args=[two_scene_story.pk, end.pk]))
    assert not Scene.objects.filter(pk=end.pk).exists() and not Choice.objects.filter(pk=choice.pk).exists()
    page = studio.get(reverse("studio:story", args=[two_scene_story.pk])).text
    assert "Undo: delete “End”" in page
    studio.post(reverse("studio:undo_delete", args=[two_scene_story.pk]))  # the older address still undoes it
    restored = Scene.objects.get(pk=end.pk)
    assert (restored.title, restored.is_end_scene, restored.ending_kind) == ("End", True, "happy")
    assert Choice.objects.get(pk=choice.pk).to_scene_id == end.pk
    again = studio.post(reverse("studio:undo_delete", args=[two_scene_story.pk]), follow=True)
    assert "There is no deletion to undo." in again.text


def test_deleting_a_choice_can_be_undone(studio, two_scene_story):
    choice = Choice.objects.get(scenario=two_scene_story)
    studio.post(reverse("studio:delete_choice", args=[two_scene_story.pk, choice.from_scene_id, choice.pk]))
    studio.post(reverse("studio:undo_delete", args=[two_scene_story.pk]))
    assert Choice.objects.get(pk=choice.pk).text == "Open the door"


def test_the_later_of_two_tabs_is_refused_and_keeps_its_text(studio, two_scene_story):
    start = Scene.objects.get(scenario=two_scene_story, title="Start")
    url = reverse("studio:scene", args=[two_scene_story.pk, start.pk])
    panel = studio.get(url, HTTP_HX_REQUEST="true").text
    version = panel.split('name="version" value="', 1)[1].split('"', 1)[0]
    first = studio.post(
        url, {"title": "Start", "text": "Tab one", "is_start_scene": "on", "version": version}, HTTP_HX_REQUEST="true"
    )
    assert first.status_code == 200
    second = studio.post(
        url,
        {"title": "Start", "text": "Tab two, long work", "is_start_scene": "on", "version": version},
        HTTP_HX_REQUEST="true",
    )
    assert second.status_code == 422 and "saved elsewhere" in second.text and "Tab two, long work" in second.text
    assert Scene.objects.get(pk=start.pk).text == "Tab one"
    fresh = first.text.split('name="version" value="', 1)[1].split('"', 1)[0]
    third = studio.post(
        url,
        {"title": "Start", "text": "Tab one again", "is_start_scene": "on", "version": fresh},
        HTTP_HX_REQUEST="true",
    )
    assert third.status_code == 200 and Scene.objects.get(pk=start.pk).text == "Tab one again"


def test_search_scenes_by_title_or_text(studio, two_scene_story):
    Scene.objects.filter(scenario=two_scene_story, title="End").update(text="A lantern glows.")
    page = studio.get(reverse("studio:story", args=[two_scene_story.pk]), {"q": "LANTERN"}).text
    end = Scene.objects.get(scenario=two_scene_story, title="End")
    assert "1 scene match “LANTERN”" in page and reverse("studio:scene", args=[two_scene_story.pk, end.pk]) in page


def test_edit_and_reorder_choices(studio, two_scene_story):
    start, end = (
        Scene.objects.get(scenario=two_scene_story, title="Start"),
        Scene.objects.get(scenario=two_scene_story, title="End"),
    )
    first = Choice.objects.get(scenario=two_scene_story)
    second = Choice.objects.create(scenario=two_scene_story, from_scene=start, to_scene=start, text="Wait", order=1)
    url = reverse("studio:edit_choice", args=[two_scene_story.pk, start.pk, second.pk])
    studio.post(url, {"text": "Wait a little", "to_scene": str(end.pk)}, HTTP_HX_REQUEST="true")
    second.refresh_from_db()
    assert (second.text, second.to_scene_id) == ("Wait a little", end.pk)
    panel = studio.post(url, {"move": "up"}, HTTP_HX_REQUEST="true").text
    assert list(Choice.objects.filter(from_scene=start).order_by("order").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    assert panel.index("Wait a little") < panel.index("Open the door")
    refused = studio.post(url, {"text": "", "to_scene": str(end.pk)}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "This field cannot be blank." in refused.text
    assert Choice.objects.get(pk=second.pk).text == "Wait a little"


def test_every_studio_form_needs_its_csrf_token(author, two_scene_story):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(author)
    start = Scene.objects.get(scenario=two_scene_story, title="Start")
    for url, data in [
        (reverse("studio:create_story"), {"title": "Forged"}),
        (reverse("studio:scene", args=[two_scene_story.pk, start.pk]), {"title": "Forged"}),
        (reverse("studio:delete_story", args=[two_scene_story.pk]), {}),
        (reverse("studio:move_scene", args=[two_scene_story.pk, start.pk]), {"x": 1, "y": 1}),
        (reverse("studio:generate_media", args=[two_scene_story.pk, start.pk]), {"kind": "sound"}),
        (reverse("studio:tidy_up", args=[two_scene_story.pk]), {}),
        (reverse("studio:signout"), {}),
    ]:
        assert browser.post(url, data).status_code == 403, url
    assert Scenario.objects.filter(pk=two_scene_story.pk).exists() and Scene.objects.get(pk=start.pk).title == "Start"


def test_hostile_content_in_play_test_and_exports(studio, author):
    story = ScenarioFactory(author=author, title="Evil")
    SceneFactory(
        scenario=story,
        title="<b onmouseover=x>t</b>",
        text="<script>alert(3)</script>",
        is_start_scene=True,
        is_end_scene=True,
        ending_kind="happy",
    )
    page = studio.get(reverse("studio:play", args=[story.pk]), follow=True).text
    assert "<script>alert(3)" not in page and "&lt;script&gt;alert(3)&lt;/script&gt;" in page
    html = studio.get(reverse("studio:export_story", args=[story.pk, "html"])).content.decode()
    assert "<script>alert(3)" not in html and "&lt;script&gt;alert(3)&lt;/script&gt;" in html


def test_dashboard_and_map_flag_a_published_story_players_cannot_play(studio, author):
    story = ScenarioFactory(author=author, title="Published by the old editor", is_published=True)
    SceneFactory(scenario=story, title="No start here")
    assert "Published · not playable" in studio.get(reverse("studio:dashboard")).text
    assert "Published · not playable" in studio.get(reverse("studio:story", args=[story.pk])).text


def test_publishing_refuses_a_story_without_start_and_says_why(studio, author):
    story = ScenarioFactory(author=author, title="Loose pages")
    SceneFactory(scenario=story, title="A page")
    page = studio.post(reverse("studio:publish", args=[story.pk]), {"publish": "1"}, follow=True).text
    assert "“Loose pages” cannot be published yet. The story has no start scene: mark one scene as the start." in page
    assert not Scenario.objects.get(pk=story.pk).is_published


def test_publishing_asks_first_when_players_may_meet_problems(studio, two_scene_story):
    Scene.objects.filter(scenario=two_scene_story, title="End").update(is_end_scene=False, ending_kind="")
    confirm = studio.post(reverse("studio:publish", args=[two_scene_story.pk]), {"publish": "1"})
    assert confirm.status_code == 200
    assert "Publish “The Cellar”?" in confirm.text and "“End” is a dead end" in confirm.text
    assert not Scenario.objects.get(pk=two_scene_story.pk).is_published
    done = studio.post(
        reverse("studio:publish", args=[two_scene_story.pk]), {"publish": "1", "confirmed": "1"}, follow=True
    )
    assert "“The Cellar” is published: players can read it." in done.text
    assert Scenario.objects.get(pk=two_scene_story.pk).is_published


def test_publishing_a_clean_story_needs_no_confirmation(studio, two_scene_story):
    response = studio.post(reverse("studio:publish", args=[two_scene_story.pk]), {"publish": "1"})
    assert response.status_code == 302 and Scenario.objects.get(pk=two_scene_story.pk).is_published


def test_every_panel_edit_tells_the_map_which_scenes_changed(studio, two_scene_story):
    start = Scene.objects.get(scenario=two_scene_story, title="Start")
    other = SceneFactory(scenario=two_scene_story, title="Cellar")
    add = studio.post(
        reverse("studio:add_choice", args=[two_scene_story.pk, start.pk]),
        {"text": "Go down", "to_scene": str(other.pk)},
        HTTP_HX_REQUEST="true",
    )
    assert json.loads(add.headers["HX-Trigger"]) == {"story-changed": {"scenes": [str(start.pk), str(other.pk)]}}
    assert 'id="map" hx-swap-oob="true"' not in add.text
    choice = Choice.objects.get(scenario=two_scene_story, text="Go down")
    delete = studio.post(
        reverse("studio:delete_choice", args=[two_scene_story.pk, start.pk, choice.pk]), HTTP_HX_REQUEST="true"
    )
    assert json.loads(delete.headers["HX-Trigger"]) == {"story-changed": {"scenes": [str(start.pk), str(other.pk)]}}
    refused = studio.post(
        reverse("studio:scene", args=[two_scene_story.pk, start.pk]), {"title": ""}, HTTP_HX_REQUEST="true"
    )
    assert "HX-Trigger" not in refused.headers


def test_a_refused_choice_edit_keeps_what_was_typed_beside_its_field(studio, two_scene_story):
    start = Scene.objects.get(scenario=two_scene_story, title="Start")
    choice = Choice.objects.get(scenario=two_scene_story)
    url = reverse("studio:edit_choice", args=[two_scene_story.pk, start.pk, choice.pk])
    response = studio.post(url, {"text": "Fly away", "to_scene": "Nowhere land"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert 'value="Fly away"' in response.text and 'value="Nowhere land"' in response.text
    assert f'aria-invalid="true" aria-describedby="choice-notice-{choice.pk}"' in response.text
    assert "No scene is called “Nowhere land”" in response.text
    assert Choice.objects.get(pk=choice.pk).text == "Open the door"
    assert "HX-Trigger" not in response.headers
