"""The Players page: the hand-counted figures of the known players, a date range, the empty state, the CSV file,
and who may see it (the author and superusers; another author gets a 404, a player is sent to sign in)."""

import csv
import io
import re
from datetime import timedelta
from html import unescape

import django_rq
import pytest
from bson import ObjectId
from django.urls import reverse
from django.utils import timezone

from tests.command_count import counting
from tests.players import cellar_story, insert_progress, progress_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_figures")]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def players_page(client, story, **query):
    return client.get(reverse("studio:players", args=[story.pk]), query)


def test_the_figures_of_real_players(studio, cellar):
    response = players_page(studio, cellar.scenario)
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "Started 9 Finished 5 Completion 56 % Median time to an ending 5 min Median scenes visited 2" in page
    assert "Garden 2 40 % Vault 2 40 % Trap 1 20 %" in page
    assert "no move for 7 days" in page
    assert "Hall 1 11 %" in page and "Cellar 1 11 %" in page
    assert "Start “Open the door” 9 6 67 %" in page
    assert "Hall “Go down” 6 3 50 %" in page
    hall = cellar.scenes["Hall"]
    assert f'href="{reverse("studio:scene", args=[cellar.scenario.pk, hall.pk])}"' in response.content.decode()


def test_a_date_range(studio, cellar):
    since = (cellar.now - timedelta(days=11)).date()
    until = (cellar.now - timedelta(days=3)).date()
    response = players_page(studio, cellar.scenario, since=since.isoformat(), until=until.isoformat())
    page = text_of(response.content.decode())
    # started from the start of `since` to the end of `until`: P3, P5, P7, P9 and P8 (3 days ago, same day)
    assert "Started 5 Finished 3 Completion 60 %" in page
    assert f'href="{reverse("studio:players_csv", args=[cellar.scenario.pk])}?since={since}&amp;until={until}"' in (
        response.content.decode()
    )


def test_a_backwards_range_is_refused_beside_its_field(studio, cellar):
    response = players_page(studio, cellar.scenario, since="2026-03-02", until="2026-03-01")
    assert response.status_code == 400
    page = text_of(response.content.decode())
    assert "The end of the range must come after its start." in page and "Started" not in page
    response = players_page(studio, cellar.scenario, since="not a date")
    assert response.status_code == 400 and "Enter a valid date." in text_of(response.content.decode())


def test_a_story_without_players_says_so(studio, author):
    scenario, _scenes, _choices = cellar_story(author)
    page = text_of(players_page(studio, scenario).content.decode())
    assert "No player has started this story yet." in page
    assert "Completion" not in page
    scenario.is_published = False
    scenario.save()
    page = text_of(players_page(studio, scenario, since="2020-01-01").content.decode())
    assert "No player has started this story in this range. It is a draft" in page


def test_the_csv_download(studio, cellar):
    response = studio.get(reverse("studio:players_csv", args=[cellar.scenario.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="the-cellar-players.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Players who started", "9"] in rows
    assert ["Vault", str(cellar.scenes["Vault"].pk), "2", "40.0"] in rows
    assert ["Cellar", "Jump", str(cellar.choices["Jump"].pk), "3", "1", "33.3"] in rows
    refused = studio.get(reverse("studio:players_csv", args=[cellar.scenario.pk]), {"since": "x"})
    assert refused.status_code == 400 and refused.content.decode() == "Enter a valid date."


@pytest.mark.parametrize("name", ["players", "players_csv"])
def test_only_the_author_sees_it(client, cellar, other_author, player, name, django_user_model):
    url = reverse(f"studio:{name}", args=[cellar.scenario.pk])
    client.force_login(other_author)
    assert client.get(url).status_code == 404
    client.force_login(player)
    assert client.get(url)["Location"].startswith(reverse("studio:signin"))
    client.force_login(django_user_model.objects.create_superuser("root@example.com", "pw-long-enough-1"))
    assert client.get(url).status_code == 200


def test_the_map_links_to_the_page(studio, cellar):
    html = studio.get(reverse("studio:story", args=[cellar.scenario.pk])).content.decode()
    assert f'href="{reverse("studio:players", args=[cellar.scenario.pk])}">Players</a>' in html


def test_the_page_sends_the_same_commands_with_more_players(studio, author):
    scenario, scenes, choices = cellar_story(author)

    def add_players(count, days_ago):
        started = timezone.now() - timedelta(days=days_ago)
        insert_progress(
            [
                progress_document(
                    scenario=scenario,
                    user_id=ObjectId(),
                    start=scenes["Start"],
                    path=[choices["Open the door"], choices["Go down"]][: index % 3],
                    started_at=started,
                )
                for index in range(count)
            ]
        )

    add_players(4, 10)
    with counting() as few:
        assert players_page(studio, scenario).status_code == 200
    add_players(80, 9)
    with counting() as many:
        assert "Started 84" in text_of(players_page(studio, scenario).content.decode())
    assert len(few) == len(many)


def test_the_map_can_colour_the_scenes_by_where_players_stopped(studio, cellar):
    answer = studio.get(reverse("studio:map_heat", args=[cellar.scenario.pk]), {"layer": "stops"}).json()
    # The same two players as the Players page: one stopped at Hall, one at Cellar.
    assert answer["scenes"] == {str(cellar.scenes["Hall"].pk): 0.5, str(cellar.scenes["Cellar"].pk): 0.5}
    assert answer["legend"] == "Real players who stopped at each scene (2 in all); darker is more."
    page = studio.get(reverse("studio:story", args=[cellar.scenario.pk])).text
    assert '<option value="stops">by where players stopped</option>' in page


def test_a_story_with_few_players_answers_at_once_and_says_when_it_was_counted(studio, cellar, settings, rq_redis):
    settings.ANALYTICS_CACHE_SECONDS = 30
    page = text_of(players_page(studio, cellar.scenario).content.decode())
    assert "Started 9 Finished 5" in page and re.search(
        r"Figures counted at [\d:]+ UTC; counted again after 30 s\.", page
    )
    assert django_rq.get_queue("default").count == 0


def test_the_page_says_when_it_was_counted_in_french(studio, cellar, settings, rq_redis):
    settings.ANALYTICS_CACHE_SECONDS = 30
    answer = studio.get(reverse("studio:players", args=[cellar.scenario.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    page = text_of(answer.content.decode())
    assert re.search(r"Chiffres comptés à [\d:]+ UTC ; comptés à nouveau après 30 s\.", page)
