"""A choice on the reading site reads the step's part of the story, not the whole of it: the same few database
commands on a story of 4 scenes and of 60, for a signed-in player and for a guest."""

import pytest
from django.urls import reverse

from story_admin.models import Choice, Scene
from tests.command_count import counting
from tests.factories import AssetFactory, build_story

pytestmark = pytest.mark.django_db

# Story by its address, session, account, progress, the step's choices and scenes, the conditional write.
SIGNED_IN = [
    "aggregate scenarios",
    "aggregate django_session",
    "aggregate users",
    "aggregate player_progress",
    "aggregate choices",
    "aggregate scenes",
    "update player_progress",
]
# A guest's progress is in the session: read with it, written back with it.
GUEST = [
    "aggregate scenarios",
    "aggregate django_session",
    "aggregate choices",
    "aggregate scenes",
    "update django_session",
]


def first_choice_sends(client, story) -> tuple[list[str], str]:
    client.post(reverse("reader:start", args=[story.slug]))
    start = Scene.objects.get(scenario=story, is_start_scene=True)
    forward = Choice.objects.get(from_scene=start, text="Forward")
    with counting() as commands:
        answer = client.post(
            reverse("reader:choose", args=[story.slug]), {"choice": str(forward.pk)}, HTTP_HX_REQUEST="true"
        )
    assert answer.status_code == 200
    return list(commands), answer.content.decode()


@pytest.mark.parametrize("signed_in", [True, False], ids=["player", "guest"])
def test_a_choice_sends_as_many_commands_on_a_large_story_as_on_a_small_one(client, author, player, signed_in):
    if signed_in:
        client.force_login(player)
    sent = {}
    for size in (4, 60):
        sent[size], page = first_choice_sends(client, build_story(author, size, published=True))
        assert "Scene 1" in page and ">Forward</button>" in page and ">Back</button>" in page
    assert sent[4] == sent[60] == (SIGNED_IN if signed_in else GUEST)


def test_the_scene_reached_shows_its_image_read_in_one_more_command(client, author, player):
    client.force_login(player)
    story = build_story(author, 4, published=True)
    image = AssetFactory(scenario=story, status="ready", prompt="A lighthouse at night")
    Scene.objects.filter(scenario=story, title="Scene 1").update(image=image)

    sent, page = first_choice_sends(client, story)

    assert f'src="{image.url}" alt="A lighthouse at night"' in page
    assert sent == [*SIGNED_IN[:6], "aggregate assets", SIGNED_IN[6]]
