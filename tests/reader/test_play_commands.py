"""A choice on the reading site reads the step's part of the story, not the whole of it: the same few database
commands on a story of 4 scenes and of 60, for a signed-in player and for a guest."""

import pytest
from django.urls import reverse

from story_admin.models import Choice, Scene
from tests.command_count import counting
from tests.factories import AssetFactory, build_story
from tests.reader.pages import forms_on

pytestmark = pytest.mark.django_db

# Story by its address, session, account, progress, the step's choices and scenes, the conditional write, and
# the step counted in the story's figures (story_admin/analytics/counters.py).
SIGNED_IN = [
    "aggregate scenarios",
    "aggregate django_session",
    "aggregate users",
    "aggregate player_progress",
    "aggregate choices",
    "aggregate scenes",
    "update player_progress",
    "update player_figures",
]
# A guest's progress is in the session: read with it, written back with it.
GUEST = [
    "aggregate scenarios",
    "aggregate django_session",
    "aggregate choices",
    "aggregate scenes",
    "update django_session",
]


def first_choice_sends(client, story, *, label="Forward", as_old_page=False) -> tuple[list[str], str]:
    """Start, then post the first scene's choice as its form does (an old page's form: the choice alone)."""
    client.post(reverse("reader:start", args=[story.slug]))
    form = forms_on(client.get(reverse("reader:play", args=[story.slug])).content.decode())[label]
    with counting() as commands:
        answer = client.post(
            reverse("reader:choose", args=[story.slug]),
            {"choice": form["choice"]} if as_old_page else form,
            HTTP_HX_REQUEST="true",
        )
    assert answer.status_code == 200
    return list(commands), answer.content.decode()


@pytest.mark.parametrize("as_old_page", [False, True], ids=["page", "old page"])
@pytest.mark.parametrize("signed_in", [True, False], ids=["player", "guest"])
def test_a_choice_sends_as_many_commands_on_a_large_story_as_on_a_small_one(
    client, author, player, signed_in, as_old_page
):
    if signed_in:
        client.force_login(player)
    sent = {}
    for size in (4, 60):
        sent[size], page = first_choice_sends(
            client, build_story(author, size, published=True), as_old_page=as_old_page
        )
        assert "Scene 1" in page and ">Forward</button>" in page and ">Back</button>" in page
    assert sent[4] == sent[60] == (SIGNED_IN if signed_in else GUEST)


def test_the_scene_reached_shows_its_image_read_in_one_more_command(client, author, player):
    client.force_login(player)
    story = build_story(author, 4, published=True)
    image = AssetFactory(scenario=story, status="ready", prompt="A lighthouse at night")
    Scene.objects.filter(scenario=story, title="Scene 1").update(image=image)

    sent, page = first_choice_sends(client, story)

    assert f'src="{image.url}" alt="A lighthouse at night"' in page
    assert sent == [*SIGNED_IN[:6], "aggregate assets", *SIGNED_IN[6:]]


def test_a_choice_the_author_led_elsewhere_since_the_page_was_shown_leads_where_it_leads_now(client, author, player):
    client.force_login(player)
    story = build_story(author, 4, published=True)
    client.post(reverse("reader:start", args=[story.slug]))
    form = forms_on(client.get(reverse("reader:play", args=[story.slug])).content.decode())["Forward"]
    Choice.objects.filter(pk=form["choice"]).update(to_scene=Scene.objects.get(scenario=story, title="Scene 3"))

    answer = client.post(reverse("reader:choose", args=[story.slug]), form, HTTP_HX_REQUEST="true")

    assert answer.status_code == 200
    assert '<h1 id="scene-title">Scene 3</h1>' in answer.content.decode()
    assert "1 of 1 ending found" in answer.content.decode()
