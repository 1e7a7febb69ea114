"""What authors learn from their players: the figures of a story with known players equal the hand-counted ones;
preview plays, the author's own and other stories' players are left out; only the author sees them."""

import csv
import io
from datetime import timedelta

import pytest
from bson import ObjectId
from django.db import connection
from django.utils import timezone

from story_admin.analytics import analytics_csv, drop_off_by_scene, story_analytics
from story_admin.exceptions import NotFound, StoryRuleError
from tests.command_count import counting
from tests.players import cellar_story, insert_progress, progress_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_figures")]


def by_title(rows, attribute="scene"):
    return {getattr(row, attribute).title if attribute == "scene" else row.choice.text: row for row in rows}


def test_the_summary_counts_real_players_only(author, cellar):
    analytics = story_analytics(user=author, scenario=cellar.scenario)
    assert (analytics.started, analytics.finished) == (9, 5)
    assert analytics.completion_rate == pytest.approx(5 / 9)
    assert analytics.median_seconds_to_ending == 300  # of 60, 120, 300, 500, 700
    assert analytics.median_scenes_visited == 2  # of 1, 2, 2, 2, 2, 3, 3, 4, 4


def test_each_ending_with_how_many_reached_it(author, cellar):
    endings = story_analytics(user=author, scenario=cellar.scenario).endings
    assert [(row.scene.title, row.count, row.share) for row in endings] == [
        ("Garden", 2, 0.4),
        ("Vault", 2, 0.4),
        ("Trap", 1, 0.2),
    ]


def test_drop_off_counts_players_who_stopped_for_the_set_days(author, cellar, settings):
    analytics = story_analytics(user=author, scenario=cellar.scenario)
    # P4 stopped at Hall 9 days ago, P5 at Cellar 8 days ago; P6 (1 day) and P9 (2 days) may come back;
    # the author's own play stopped at Hall 29 days ago and is not counted.
    assert sorted((row.scene.title, row.count) for row in analytics.drop_off) == [("Cellar", 1), ("Hall", 1)]
    assert drop_off_by_scene(user=author, scenario=cellar.scenario) == {
        cellar.scenes["Hall"].pk: 1,
        cellar.scenes["Cellar"].pk: 1,
    }
    # Counted by the hour: with 0 days, every player not finished whose last move came before this hour.
    settings.ANALYTICS_DROP_OFF_DAYS = 0
    analytics = story_analytics(user=author, scenario=cellar.scenario)
    assert sorted((row.scene.title, row.count) for row in analytics.drop_off) == [
        ("Cellar", 1),
        ("Hall", 2),
        ("Start", 1),
    ]


def test_drop_off_is_counted_by_the_hour(author, settings):
    """A player whose last move was more than the set days ago, in an earlier hour, stopped there; one in the
    same hour as that moment is counted from the next hour."""
    scenario, scenes, choices = cellar_story(author)
    now = timezone.now()
    settings.ANALYTICS_DROP_OFF_DAYS = 2
    two_days_ago = now - timedelta(days=2)
    moves = {"Hall": two_days_ago - timedelta(hours=1), "Start": two_days_ago.replace(minute=0, second=0)}
    insert_progress(
        [
            progress_document(
                scenario=scenario,
                user_id=ObjectId(),
                path=[choices["Open the door"]] if title == "Hall" else [],
                start=scenes["Start"],
                started_at=moved - timedelta(minutes=5),
                updated_at=moved,
            )
            for title, moved in moves.items()
        ]
    )
    assert drop_off_by_scene(user=author, scenario=scenario) == {scenes["Hall"].pk: 1}


def test_each_choice_taken_by_the_share_of_players_who_saw_it(author, cellar):
    choices = by_title(story_analytics(user=author, scenario=cellar.scenario).choices, "choice")
    assert {text: (row.shown, row.taken) for text, row in choices.items()} == {
        "Open the door": (9, 6),
        "Walk away": (9, 2),
        "Go down": (6, 3),
        "Try the key": (6, 2),
        "Jump": (3, 1),
        "Climb back": (3, 1),
    }
    assert choices["Open the door"].share == pytest.approx(6 / 9)
    assert choices["Go down"].share == 0.5


def test_a_date_range_keeps_the_players_who_started_in_it(author, cellar):
    analytics = story_analytics(
        user=author,
        scenario=cellar.scenario,
        since=cellar.now - timedelta(days=11),
        until=cellar.now - timedelta(days=2, hours=12),
    )
    # P3 (10 days ago), P5 (9), P7 (5), P9 (4), P8 (3)
    assert (analytics.started, analytics.finished, analytics.completion_rate) == (5, 3, 0.6)
    assert analytics.median_seconds_to_ending == 500  # of 120, 500, 700
    assert analytics.median_scenes_visited == 3  # of 2, 2, 3, 4, 4
    assert [(row.scene.title, row.count) for row in analytics.endings] == [("Garden", 1), ("Vault", 1), ("Trap", 1)]
    assert [(row.scene.title, row.count) for row in analytics.drop_off] == [("Cellar", 1)]
    choices = by_title(analytics.choices, "choice")
    assert {text: (row.shown, row.taken) for text, row in choices.items()} == {
        "Open the door": (5, 4),
        "Walk away": (5, 1),
        "Go down": (4, 3),
        "Try the key": (4, 1),
        "Jump": (3, 1),
        "Climb back": (3, 1),
    }
    since_only = story_analytics(user=author, scenario=cellar.scenario, since=cellar.now - timedelta(days=4, hours=1))
    assert since_only.started == 3  # P9, P8, P6
    until_only = story_analytics(user=author, scenario=cellar.scenario, until=cellar.now - timedelta(days=14))
    assert until_only.started == 2  # P1, P2


def test_a_range_ending_before_it_starts_is_refused(author, cellar):
    with pytest.raises(StoryRuleError, match="end of the range must come after its start"):
        story_analytics(user=author, scenario=cellar.scenario, since=cellar.now, until=cellar.now - timedelta(days=1))


def test_a_story_without_players_has_empty_figures(author):
    scenario, _scenes, _choices = cellar_story(author)
    analytics = story_analytics(user=author, scenario=scenario)
    assert not analytics.has_players
    assert (analytics.started, analytics.finished, analytics.completion_rate) == (0, 0, None)
    assert analytics.median_seconds_to_ending is None and analytics.drop_off == []
    assert [(row.count, row.share) for row in analytics.endings] == [(0, None)] * 3
    assert {(row.shown, row.taken, row.share) for row in analytics.choices} == {(0, 0, None)}


@pytest.mark.parametrize("who", ["other_author", "player"])
def test_anyone_but_the_author_is_told_the_story_does_not_exist(request, cellar, who):
    user = request.getfixturevalue(who)
    with pytest.raises(NotFound, match="No story has the id"):
        story_analytics(user=user, scenario=cellar.scenario)
    with pytest.raises(NotFound):
        drop_off_by_scene(user=user, scenario=cellar.scenario)


def test_a_superuser_sees_them(cellar, django_user_model):
    admin = django_user_model.objects.create_superuser("root@example.com", "pw-long-enough-1")
    assert story_analytics(user=admin, scenario=cellar.scenario).started == 9


def test_the_csv_holds_the_same_tables(author, cellar):
    rows = list(csv.reader(io.StringIO(analytics_csv(story_analytics(user=author, scenario=cellar.scenario)))))
    figures = dict(row for row in rows[:9] if len(row) == 2)
    assert figures["Players who started"] == "9" and figures["Players who finished"] == "5"
    assert figures["Completion rate (%)"] == "55.6" and figures["Median seconds to an ending"] == "300"
    assert ["Garden", str(cellar.scenes["Garden"].pk), "2", "40.0"] in rows
    assert ["Hall", str(cellar.scenes["Hall"].pk), "1", "11.1"] in rows
    assert ["Start", "Open the door", str(cellar.choices["Open the door"].pk), "9", "6", "66.7"] in rows
    assert rows[10] == ["Ending", "Scene id", "Players", "Share of finished (%)"]


def test_the_figures_are_kept_briefly(author, cellar, settings, rq_redis):
    settings.ANALYTICS_CACHE_SECONDS = 30
    story_analytics(user=author, scenario=cellar.scenario)
    insert_progress(
        [
            progress_document(
                scenario=cellar.scenario,
                user_id=ObjectId(),
                path=[],
                start=cellar.scenes["Start"],
                started_at=cellar.now,
            )
        ]
    )
    with counting() as commands:
        assert story_analytics(user=author, scenario=cellar.scenario).started == 9
    assert "aggregate player_progress" not in commands
    other_range = story_analytics(user=author, scenario=cellar.scenario, since=cellar.now - timedelta(days=1))
    assert other_range.started == 1  # the new player: another range is another key


def test_the_commands_sent_do_not_grow_with_the_players(author):
    scenario, scenes, choices = cellar_story(author)

    def add_players(count):
        insert_progress(
            [
                progress_document(
                    scenario=scenario,
                    user_id=ObjectId(),
                    path=[choices["Open the door"]],
                    start=scenes["Start"],
                    started_at=timezone.now(),
                )
                for _ in range(count)
            ]
        )

    add_players(3)
    with counting() as few:
        story_analytics(user=author, scenario=scenario)
    add_players(60)
    with counting() as many:
        assert story_analytics(user=author, scenario=scenario).started == 63
    assert few == many
    assert [command for command in many if "player_" in command] == ["find player_figures"]


def test_the_pipelines_use_the_analytics_index(author, cellar):
    indexes = connection.get_collection("player_progress").index_information()
    assert [key for key, _direction in indexes["progress_analytics"]["key"]] == [
        "scenario_id",
        "is_preview",
        "created_at",
    ]


def players_of_today(author, count: int = 9):
    """A story whose `count` players all started at one moment of today, and that moment: a range from then holds
    the rest of today, a part of a day, counted from the players' progress."""
    scenario, scenes, choices = cellar_story(author, title="Today")
    now = timezone.now().replace(microsecond=0)
    if now == now.replace(hour=0, minute=0, second=0):  # at midnight the rest of today is a whole day
        now += timedelta(seconds=1)
    paths = [[choices["Walk away"]], [choices["Open the door"]], [choices["Open the door"], choices["Try the key"]]]
    insert_progress(
        [
            progress_document(
                scenario=scenario,
                user_id=ObjectId(),
                path=paths[index % 3],
                start=scenes["Start"],
                started_at=now,
                seconds=60 * (index + 1),
            )
            for index in range(count)
        ]
    )
    return scenario, now


def test_a_part_of_a_day_is_counted_from_the_players_progress(author):
    scenario, now = players_of_today(author)
    with counting() as commands:
        analytics = story_analytics(user=author, scenario=scenario, since=now)
    # Finished: players 1, 3, 4, 6, 7 and 9, who read 60, 180, 240, 360, 420 and 540 seconds.
    assert (analytics.started, analytics.finished, analytics.median_seconds_to_ending) == (9, 6, 240)
    assert [(row.scene.title, row.count) for row in analytics.endings] == [("Garden", 3), ("Vault", 3), ("Trap", 0)]
    # The rest of today from the players' progress, the whole days after it (none yet) from the counters.
    assert [command for command in commands if "player_" in command] == [
        "find player_figures",
        "aggregate player_progress",
    ]
    assert story_analytics(user=author, scenario=scenario, since=now + timedelta(seconds=1)).started == 0
    assert story_analytics(user=author, scenario=scenario, until=now).started == 0
    assert story_analytics(user=author, scenario=scenario, until=now + timedelta(seconds=1)).started == 9
