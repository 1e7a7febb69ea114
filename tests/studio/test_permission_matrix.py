"""Who may open or post to each studio page and partial, and fetch each media file.

Every route of studio/studio_urls.py that names a story, against anonymous, a player, the
story's author, another author and a superuser: the first two are sent to sign in, another
author gets a 404 (never a hint that the story exists), and none of them changes a document.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from generation.uploads import attach_upload
from story_admin.models import Choice, Scene
from story_admin.services.previews import create_preview_link
from tests.factories import AuthorFactory, ScenarioFactory, SceneFactory, UserFactory
from tests.generation.media_samples import png_bytes
from tests.snapshots import changed_collections, database_snapshot

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "player", "owner", "other_author", "superuser")
SIGN_IN, MISSING, ALLOWED = "sign in", "404", "allowed"
EXPECTED = {"anonymous": SIGN_IN, "player": SIGN_IN, "owner": ALLOWED, "other_author": MISSING, "superuser": ALLOWED}

# (route name, method, URL arguments, form data); arguments and data name the story's documents.
ROUTES = [
    ("story", "get", ("story",), None),
    ("outline", "get", ("story",), None),
    ("play", "get", ("story",), None),
    ("players", "get", ("story",), None),
    ("players_csv", "get", ("story",), None),
    ("export_story", "get", ("story", "twee"), None),
    ("export_story", "get", ("story", "backup"), None),
    ("duplicate_story", "post", ("story",), {}),
    ("delete_story", "get", ("story",), None),
    ("delete_story", "post", ("story",), {}),
    ("publish", "post", ("story",), {"publish": "1"}),
    ("tidy_up", "post", ("story",), {}),
    ("undo_tidy_up", "post", ("story",), {}),
    ("undo_delete", "post", ("story",), {}),
    ("history_buttons", "get", ("story",), None),
    ("undo", "post", ("story",), {}),
    ("redo", "post", ("story",), {}),
    ("replace", "get", ("story",), None),
    ("add_scene", "post", ("story",), {"title": "Intruder"}),
    ("scene", "get", ("story", "start"), None),
    ("scene", "post", ("story", "start"), {"title": "Renamed", "text": "Changed", "is_start_scene": "on"}),
    ("move_scene", "post", ("story", "start"), {"x": "500", "y": "500"}),
    ("delete_scene", "post", ("story", "end"), {}),
    ("media", "get", ("story", "start"), None),
    ("generate_media", "post", ("story", "start"), {"kind": "sound"}),
    ("upload_media", "post", ("story", "start"), "upload"),
    ("remove_media", "post", ("story", "start"), {"kind": "image"}),
    ("add_choice", "post", ("story", "end"), {"text": "Again", "to_scene": "start"}),
    ("edit_choice", "post", ("story", "start", "choice"), {"text": "Renamed", "to_scene": "end"}),
    ("delete_choice", "post", ("story", "start", "choice"), {}),
    ("map_json", "get", ("story",), None),
    ("map_heat", "get", ("story",), None),
    ("map_search", "get", ("story",), None),
    ("narration", "get", ("story",), None),
    ("narration", "post", ("story",), {}),
    ("problems", "get", ("story",), None),
    ("map_place", "post", ("story",), ("json", {"positions": {"start": [640, 320]}})),
    ("map_link", "post", ("story",), ("json", {"from": "end", "to": "start"})),
    ("map_label", "post", ("story",), ("json", {"choice": "choice", "label": "Renamed on the map"})),
    ("map_group", "post", ("story",), ("json", {"scenes": ["start", "end"], "name": "Chapter one"})),
    ("previews", "get", ("story",), None),
    ("create_preview", "post", ("story",), {}),
    ("revoke_preview", "post", ("story", "link"), {}),
    ("autosave", "post", ("story", "start"), {"title": "Renamed", "text": "Typed"}),
    ("add_choice_text", "post", ("story", "start"), {"choice": "Sneak in -> Secret room"}),
    ("scene_titles", "get", ("story",), None),
    ("story_settings", "get", ("story",), None),
    ("story_settings", "post", ("story",), {"title": "Taken over", "language": "en"}),
]


@pytest.fixture
def world(rq_redis):
    owner = AuthorFactory()
    story = ScenarioFactory(author=owner, title="Draft of the owner")
    start = SceneFactory(scenario=story, title="Start", is_start_scene=True)
    end = SceneFactory(scenario=story, title="End", is_end_scene=True, ending_kind="happy")
    choice = Choice.objects.create(scenario=story, from_scene=start, to_scene=end, text="Go")
    image = attach_upload(editor=owner, scene=start, kind="image", filename="start.png", data=png_bytes())
    link = create_preview_link(editor=owner, scenario=story)
    people = {
        "anonymous": None,
        "player": UserFactory(),
        "owner": owner,
        "other_author": AuthorFactory(),
        "superuser": AuthorFactory(is_superuser=True),
    }
    ids = {
        "story": str(story.pk),
        "start": str(start.pk),
        "end": str(end.pk),
        "choice": str(choice.pk),
        "link": str(link.pk),
    }
    return {"people": people, "ids": ids, "story": story, "image": image}


def _named(value, ids):
    """A JSON body with the story's document names replaced by their ids (scene names as keys too: positions)."""
    if isinstance(value, dict):
        return {ids[key] if key in ("start", "end") else key: _named(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_named(item, ids) for item in value]
    return ids.get(value, value) if isinstance(value, str) else value


def browser_of(user) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("studio:signin")):
        return SIGN_IN
    if response.status_code == 404:
        return MISSING
    if response.status_code < 400:
        return ALLOWED
    return f"HTTP {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name, method, arguments, data",
    ROUTES,
    ids=[f"{method} {name} {'/'.join(arguments)}" for name, method, arguments, _ in ROUTES],
)
def test_studio_route(world, role, name, method, arguments, data):
    ids = world["ids"]
    url = reverse(f"studio:{name}", args=[ids.get(argument, argument) for argument in arguments])
    options = {}
    if data == "upload":
        data = {"kind": "image", "file": SimpleUploadedFile("new.png", png_bytes(), content_type="image/png")}
    elif isinstance(data, tuple):  # the map's JSON requests
        data, options = json.dumps(_named(data[1], ids)), {"content_type": "application/json"}
    elif data is not None:
        data = {key: ids.get(value, value) for key, value in data.items()}
    browser = browser_of(world["people"][role])
    refused = EXPECTED[role] != ALLOWED
    before = database_snapshot(ignore={"django_session"}) if refused else None
    for htmx in (False, True):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = browser.get(url, **headers) if method == "get" else browser.post(url, data, **options, **headers)
        assert outcome(response) == EXPECTED[role], (url, htmx, response.status_code)
        if refused:
            assert changed_collections(before, database_snapshot(ignore={"django_session"})) == []
        elif method == "post":
            break  # the first post did the change; a second one would act on what it left


@pytest.mark.parametrize("role", ROLES)
def test_pages_without_a_story_need_an_author(world, role):
    browser = browser_of(world["people"][role])
    expected = SIGN_IN if EXPECTED[role] == SIGN_IN else ALLOWED
    assert outcome(browser.get(reverse("studio:dashboard"))) == expected
    assert outcome(browser.post(reverse("studio:create_story"), {"title": "Mine", "language": "en"})) == expected
    upload = SimpleUploadedFile("s.twee", b":: StoryTitle\nNew\n\n:: Start\nHello", content_type="text/plain")
    assert outcome(browser.post(reverse("studio:import_story"), {"file": upload})) == expected


MEDIA = {"anonymous": 404, "player": 404, "owner": 200, "other_author": 404, "superuser": 200}


@pytest.mark.parametrize("role", ROLES)
def test_draft_media_is_a_404_to_all_but_its_editors_and_public_once_published(world, role):
    browser, url = browser_of(world["people"][role]), world["image"].file.url
    assert browser.get(url).status_code == MEDIA[role]
    world["story"].is_published = True
    world["story"].save()
    response = browser.get(url)
    assert response.status_code == 200 and response.content == png_bytes()
    assert response["Cache-Control"].startswith("public")


def test_a_scene_of_another_story_is_a_404_even_for_its_author(world):
    """Ids are checked together: a scene named under a story it does not belong to is not found."""
    owner = world["people"]["owner"]
    elsewhere = SceneFactory(scenario=ScenarioFactory(author=owner), title="Elsewhere")
    browser = browser_of(owner)
    url = reverse("studio:scene", args=[world["ids"]["story"], elsewhere.pk])
    assert browser.get(url).status_code == 404
    assert browser.post(url, {"title": "Moved"}).status_code == 404
    assert Scene.objects.get(pk=elsewhere.pk).title == "Elsewhere"
