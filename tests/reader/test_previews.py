"""Drafts on the reading site: never shown to players, playable through a private preview link (marked as a
preview), which its author creates and revokes in the studio; a revoked link is a 404."""

import pytest
from django.urls import reverse

from story_admin.services.previews import create_preview_link, revoke_preview_link
from story_admin.models import PlayerProgress, PreviewLink
from tests.factories import ChoiceFactory, ScenarioFactory, SceneFactory
from tests.reader.pages import choices_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(author):
    story = ScenarioFactory(author=author, title="Brouillon", slug="brouillon", language="fr")
    start = SceneFactory(scenario=story, title="Le seuil", text="Une porte.", is_start_scene=True)
    end = SceneFactory(scenario=story, title="La sortie", text="Dehors.", is_end_scene=True, ending_kind="happy")
    ChoiceFactory(from_scene=start, to_scene=end, text="Sortir")
    return story


def test_a_draft_is_a_404_to_players_and_absent_from_the_library(client, draft, player, author):
    for who in (None, player, author):
        if who:
            client.force_login(who)
        for name in ("story", "play"):
            assert client.get(reverse(f"reader:{name}", args=[draft.slug])).status_code == 404
        assert client.post(reverse("reader:start", args=[draft.slug])).status_code == 404
        assert "Brouillon" not in client.get(reverse("reader:library")).content.decode()


def play_preview(client, token):
    assert client.get(reverse("reader:preview_story", args=[token])).status_code == 200
    client.post(reverse("reader:preview_start", args=[token]))
    page = client.get(reverse("reader:preview_play", args=[token])).content.decode()
    assert "Private preview" in page and "Le seuil" in page
    answer = client.post(reverse("reader:preview_choose", args=[token]), {"choice": choices_on(page)["Sortir"]})
    assert answer["Location"] == reverse("reader:preview_play", args=[token])
    return client.get(answer["Location"]).content.decode()


def test_a_preview_link_plays_the_draft_and_marks_the_progress_as_a_preview(client, draft, author, player):
    link = create_preview_link(editor=author, scenario=draft)
    client.force_login(player)
    page = play_preview(client, link.token)
    assert "1 of 1 ending found" in page
    progress = PlayerProgress.objects.get(user=player, scenario=draft)
    assert progress.is_preview is True and progress.is_completed is True


def test_a_guests_preview_play_is_kept_as_a_preview_when_they_sign_in(client, draft, author, player):
    link = create_preview_link(editor=author, scenario=draft)
    play_preview(client, link.token)
    client.post(reverse("reader:signin"), {"email": player.email, "password": "correct horse battery staple"})
    assert PlayerProgress.objects.get(user=player, scenario=draft).is_preview is True


def test_a_revoked_link_is_a_404_even_mid_play(client, draft, author):
    link = create_preview_link(editor=author, scenario=draft)
    client.post(reverse("reader:preview_start", args=[link.token]))
    page = client.get(reverse("reader:preview_play", args=[link.token])).content.decode()
    revoke_preview_link(editor=author, link=link)
    for name in ("story", "play"):
        assert client.get(reverse(f"reader:preview_{name}", args=[link.token])).status_code == 404
    answer = client.post(reverse("reader:preview_choose", args=[link.token]), {"choice": choices_on(page)["Sortir"]})
    assert answer.status_code == 404
    assert client.get(reverse("reader:preview_story", args=["not-a-token"])).status_code == 404


def test_the_author_creates_and_revokes_links_from_the_studio(client, draft, author, other_author):
    client.force_login(author)
    client.post(reverse("studio:create_preview", args=[draft.pk]))
    link = PreviewLink.objects.get(scenario=draft)
    page = client.get(reverse("studio:previews", args=[draft.pk])).content.decode()
    assert f"http://testserver/read/preview/{link.token}/" in page
    assert "Preview links" in client.get(reverse("studio:story", args=[draft.pk])).content.decode()

    client.force_login(other_author)
    assert client.post(reverse("studio:revoke_preview", args=[draft.pk, link.pk])).status_code == 404
    assert PreviewLink.objects.get(pk=link.pk).revoked_at is None

    client.force_login(author)
    client.post(reverse("studio:revoke_preview", args=[draft.pk, link.pk]))
    assert PreviewLink.objects.get(pk=link.pk).revoked_at is not None
    assert (
        f"/read/preview/{link.token}/" not in client.get(reverse("studio:previews", args=[draft.pk])).content.decode()
    )


def test_a_previewed_drafts_media_is_served_through_its_link_only(client, draft, author):
    from generation.uploads import attach_upload
    from tests.generation.media_samples import png_bytes

    start = draft.scenes.get(title="Le seuil")
    image = attach_upload(editor=author, scene=start, kind="image", filename="seuil.png", data=png_bytes())
    link = create_preview_link(editor=author, scenario=draft)
    client.post(reverse("reader:preview_start", args=[link.token]))
    page = client.get(reverse("reader:preview_play", args=[link.token])).content.decode()
    address = f"{image.file.url}?preview={link.token}"
    assert f'src="{address}"' in page
    assert client.get(address).content == png_bytes()
    assert client.get(image.file.url).status_code == 404  # without the link, a draft's media stays hidden
    revoke_preview_link(editor=author, link=link)
    assert client.get(address).status_code == 404
