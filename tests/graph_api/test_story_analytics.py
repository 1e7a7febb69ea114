"""`storyAnalytics` for the story's author: the hand-counted figures of the known players, in a date range too,
and the CSV; a player, another author or a visitor is told the story does not exist."""

from datetime import timedelta

import django_rq
import pytest


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_figures")]

ANALYTICS = """query($id: ID!, $since: DateTime, $until: DateTime) {
  storyAnalytics(scenarioId: $id, since: $since, until: $until) {
    started finished completionRate medianSecondsToEnding medianScenesVisited dropOffDays
    endings { scene { title } count share }
    dropOff { scene { id title } count }
    choices { choice { text } shown taken share } } }"""


def test_the_author_gets_the_figures_of_real_players(gql, author, cellar):
    gql.as_user(author)
    figures = gql.data(ANALYTICS, {"id": str(cellar.scenario.pk)})["storyAnalytics"]
    assert {
        name: figures[name]
        for name in ("started", "finished", "medianSecondsToEnding", "medianScenesVisited", "dropOffDays")
    } == {"started": 9, "finished": 5, "medianSecondsToEnding": 300.0, "medianScenesVisited": 2.0, "dropOffDays": 7}
    assert figures["completionRate"] == pytest.approx(5 / 9)
    assert figures["endings"] == [
        {"scene": {"title": "Garden"}, "count": 2, "share": 0.4},
        {"scene": {"title": "Vault"}, "count": 2, "share": 0.4},
        {"scene": {"title": "Trap"}, "count": 1, "share": 0.2},
    ]
    assert sorted((row["scene"]["title"], row["count"]) for row in figures["dropOff"]) == [("Cellar", 1), ("Hall", 1)]
    choices = {row["choice"]["text"]: (row["shown"], row["taken"], row["share"]) for row in figures["choices"]}
    assert choices["Go down"] == (6, 3, 0.5)
    assert choices["Open the door"] == (9, 6, pytest.approx(6 / 9))
    assert choices["Climb back"] == (3, 1, pytest.approx(1 / 3))


def test_a_date_range_selects_the_players_who_started_in_it(gql, author, cellar):
    gql.as_user(author)
    figures = gql.data(
        ANALYTICS,
        {
            "id": str(cellar.scenario.pk),
            "since": (cellar.now - timedelta(days=11)).isoformat(),
            "until": (cellar.now - timedelta(days=2, hours=12)).isoformat(),
        },
    )["storyAnalytics"]
    assert (figures["started"], figures["finished"], figures["completionRate"]) == (5, 3, 0.6)
    assert figures["medianSecondsToEnding"] == 500.0
    assert [row["scene"]["title"] for row in figures["dropOff"]] == ["Cellar"]


def test_a_range_without_offset_is_read_as_utc(gql, author, cellar):
    gql.as_user(author)
    naive = (cellar.now - timedelta(days=4, hours=1)).replace(tzinfo=None).isoformat()
    assert gql.data(ANALYTICS, {"id": str(cellar.scenario.pk), "since": naive})["storyAnalytics"]["started"] == 3


def test_a_backwards_range_is_refused_with_a_message(gql, author, cellar):
    gql.as_user(author)
    result = gql(
        ANALYTICS,
        {
            "id": str(cellar.scenario.pk),
            "since": cellar.now.isoformat(),
            "until": (cellar.now - timedelta(days=1)).isoformat(),
        },
    )
    assert result["data"]["storyAnalytics"] is None
    assert result["errors"][0]["message"] == "The end of the range must come after its start."


def test_the_csv_is_there_for_spreadsheets(gql, author, cellar):
    gql.as_user(author)
    text = gql.data("query($id: ID!) { storyAnalytics(scenarioId: $id) { csv } }", {"id": str(cellar.scenario.pk)})[
        "storyAnalytics"
    ]["csv"]
    assert "Players who started,9\r\n" in text and "Start,Open the door," in text


@pytest.mark.parametrize("who", ["other_author", "player", None])
def test_anyone_else_is_told_the_story_does_not_exist(gql, request, cellar, who):
    gql.as_user(request.getfixturevalue(who) if who else None)
    result = gql(ANALYTICS, {"id": str(cellar.scenario.pk)})
    assert result["data"]["storyAnalytics"] is None
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "No story has the id" in result["errors"][0]["message"]


def test_the_figures_are_counted_at_once_then_kept(gql, author, cellar, settings, rq_redis):
    """Figures not kept are added up in the request (never queued), then kept."""
    settings.ANALYTICS_CACHE_SECONDS = 300
    gql.as_user(author)
    query = "query($id: ID!) { storyAnalytics(scenarioId: $id) { started finished computedAt } }"
    first = gql.data(query, {"id": str(cellar.scenario.pk)})["storyAnalytics"]
    assert first["started"] == 9 and first["finished"] == 5 and first["computedAt"]
    assert django_rq.get_queue("default").count == 0
    assert gql.data(query, {"id": str(cellar.scenario.pk)})["storyAnalytics"] == first  # the kept figures
