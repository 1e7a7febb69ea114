"""Players' accounts on the reading site: signing up or in keeps what a guest played (merged into their one
progress per story), the password reset by e-mail end to end, "my stories", deleting the account and its data,
and the French interface."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from story_admin.services.progress import start_progress
from story_admin.models import PlayerProgress, User
from tests.factories import PASSWORD
from tests.reader.pages import choices_on

pytestmark = pytest.mark.django_db


def guest_plays(client, story, labels):
    client.post(reverse("reader:start", args=[story.slug]))
    for label in labels:
        page = client.get(reverse("reader:play", args=[story.slug])).content.decode()
        client.post(reverse("reader:choose", args=[story.slug]), {"choice": choices_on(page)[label]})


def titles(progress):
    scenes = {str(scene.pk): scene.title for scene in progress.scenario.scenes.all()}
    return [scenes[entry.scene_id] for entry in progress.history]


def test_signing_in_keeps_the_guests_path_in_the_players_one_progress_and_resumes_there(client, demo, player):
    older = start_progress(player=player, scenario=demo)  # started long ago on another device
    guest_plays(client, demo, ["Descendre vers la lueur de la crique", "Aider à tirer la barque"])

    answer = client.post(
        f"{reverse('reader:signin')}?next={reverse('reader:play', args=[demo.slug])}",
        {"email": player.email, "password": PASSWORD},
    )
    assert answer["Location"] == reverse("reader:play", args=[demo.slug])

    kept = PlayerProgress.objects.filter(user=player, scenario=demo)
    assert kept.count() == 1 and kept.get().pk == older.pk
    assert titles(kept.get()) == ["La tempête", "La crique", "La barque"]
    assert kept.get().state["items"] == ["clé de laiton"]
    page = client.get(answer["Location"]).content.decode()
    assert '<h1 id="scene-title">La barque</h1>' in page and "clé de laiton" in page

    # Signing out and in again changes nothing: the session holds no guest progress any more.
    client.post(reverse("reader:signout"))
    client.post(reverse("reader:signin"), {"email": player.email, "password": PASSWORD})
    assert titles(PlayerProgress.objects.get(user=player, scenario=demo)) == ["La tempête", "La crique", "La barque"]


def test_a_guest_who_only_opened_the_story_does_not_overwrite_the_players_path(client, demo, player):
    client.force_login(player)
    guest_plays(client, demo, ["Monter réparer la lanterne"])
    client.logout()
    client.post(reverse("reader:start", args=[demo.slug]))  # a new guest session, still at the start
    client.post(reverse("reader:signin"), {"email": player.email, "password": PASSWORD})
    assert titles(PlayerProgress.objects.get(user=player, scenario=demo)) == ["La tempête", "L'escalier en colimaçon"]


def test_signing_up_then_in_keeps_the_guests_progress(client, demo):
    guest_plays(client, demo, ["Monter réparer la lanterne"])
    answer = client.post(reverse("reader:signup"), {"email": "New.Reader@example.com", "password": PASSWORD})
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("reader:signin"))
    assert "new.reader%40example.com" in answer["Location"].lower()
    # The same answer for an e-mail that already has an account (nothing tells them apart).
    again = client.post(reverse("reader:signup"), {"email": "new.reader@example.com", "password": "another one 42!"})
    assert again.status_code == 302 and again["Location"] == answer["Location"].replace("New.Reader", "new.reader")
    client.post(reverse("reader:signin"), {"email": "new.reader@example.com", "password": PASSWORD})
    progress = PlayerProgress.objects.get(user__email="new.reader@example.com", scenario=demo)
    assert titles(progress) == ["La tempête", "L'escalier en colimaçon"] and progress.is_preview is False
    weak = client.post(reverse("reader:signup"), {"email": "weak@example.com", "password": "123"})
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    assert not User.objects.filter(email="weak@example.com").exists()


def test_password_reset_by_email_end_to_end(client, player):
    answer = client.post(reverse("reader:password_reset"), {"email": player.email.upper()})
    assert answer["Location"] == reverse("reader:password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [player.email]
    link = re.search(r"http://testserver(/read/account/reset/\S+/)", mail.outbox[0].body)[1]
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "lighthouse keeper 1911", "new_password2": "lighthouse keeper 1911"},
    )
    assert done["Location"] == reverse("reader:password_reset_complete")
    refused = client.post(reverse("reader:signin"), {"email": player.email, "password": PASSWORD})
    assert "Wrong email or password." in refused.content.decode()
    signed_in = client.post(reverse("reader:signin"), {"email": player.email, "password": "lighthouse keeper 1911"})
    assert signed_in.status_code == 302
    # The link works once.
    assert "already used or is too old" in client.get(link, follow=True).content.decode()

    assert client.post(reverse("reader:password_reset"), {"email": "nobody@example.com"}).status_code == 302
    assert len(mail.outbox) == 1  # no mail, and the same answer, for an unknown address


def test_my_stories_lists_progress_and_endings_found(client, demo, player):
    client.force_login(player)
    guest_plays(
        client,
        demo,
        [
            "Monter réparer la lanterne",
            "Pousser la porte de la chambre de veille",
            "Refermer le registre et monter",
            "Allumer le feu de secours à la main",
        ],
    )
    page = client.get(reverse("reader:my_stories")).content.decode()
    assert "Le Gardien du phare" in page and "At an ending" in page and "1 of 4 endings found" in page


def test_deleting_my_account_deletes_my_progress(client, demo, player):
    client.force_login(player)
    guest_plays(client, demo, ["Monter réparer la lanterne"])
    wrong = client.post(reverse("reader:delete_account"), {"password": "not it"})
    assert "That is not your password" in wrong.content.decode() and User.objects.filter(pk=player.pk).exists()
    answer = client.post(reverse("reader:delete_account"), {"password": PASSWORD})
    assert answer["Location"] == reverse("reader:library")
    assert not User.objects.filter(pk=player.pk).exists()
    assert not PlayerProgress.objects.filter(user_id=player.pk).exists()
    assert client.get(reverse("reader:my_stories"))["Location"].startswith(reverse("reader:signin"))


def test_the_interface_speaks_french_and_the_story_keeps_its_language(client, demo):
    page = client.get(reverse("reader:library"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in page and "Bibliothèque" in page and "12 scènes" in page and "4 fins" in page
    client.post(reverse("reader:start", args=[demo.slug]), HTTP_ACCEPT_LANGUAGE="fr")
    play = client.get(reverse("reader:play", args=[demo.slug]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Recommencer" in play
    english = client.get(reverse("reader:library"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "Library" in english
