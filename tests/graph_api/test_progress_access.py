"""A player's progress follows the story's visibility; a story deleted mid-play is NOT_FOUND; slugs leak no ids."""

import pytest

from story_admin.services.progress import choose, start_progress
from story_admin.services.scenes import create_scene
from story_admin.services.stories import delete_scenario, unpublish_scenario
from story_admin.exceptions import NotFound
from story_admin.models import Choice, PlayerProgress
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(author):
    story = ScenarioFactory(author=author, is_published=True, description="Public blurb")
    start = SceneFactory(scenario=story, title="Start", is_start_scene=True)
    Choice.objects.create(
        scenario=story, from_scene=start, text="On", to_scene=SceneFactory(scenario=story, title="Next")
    )
    return story


MY_PROGRESS = "{ myProgress { mongoId scenarioId { description scenesList { title text } } } }"


def test_progress_in_a_story_unpublished_since_is_hidden_with_it(gql, author, player, published):
    progress = start_progress(player=player, scenario=published)
    assert len(gql.as_user(player).data(MY_PROGRESS)["myProgress"]) == 1
    unpublish_scenario(editor=author, scenario=published)
    create_scene(editor=author, scenario=published, title="Unreleased", text="Spoiler")

    gql.as_user(player)
    assert gql.data(MY_PROGRESS) == {"myProgress": []}
    assert gql.data("{ allProgress { mongoId } }") == {"allProgress": []}
    by_id = gql(
        "query($id: ID!) { progressById(progressId: $id) { scenarioId { description } } }", {"id": str(progress.pk)}
    )
    assert by_id["errors"][0]["extensions"]["code"] == "NOT_FOUND" and "Spoiler" not in str(by_id)
    back = gql.data(
        "mutation($id: ID!) { goBackInHistory(progressId: $id, stepsBack: 1) { success code "
        "progress { scenarioId { scenesList { text } } } } }",
        {"id": str(progress.pk)},
    )
    assert back["goBackInHistory"]["success"] is False and "Spoiler" not in str(back)
    timed = gql.data(
        "mutation($id: ID!) { updateProgress(progressId: $id, input: {totalTimeSpent: 5}) { success "
        "progress { scenarioId { scenesList { text } } } } }",
        {"id": str(progress.pk)},
    )
    assert timed["updateProgress"]["success"] is False and "Spoiler" not in str(timed)
    # the author still follows it in their own story
    assert len(gql.as_user(author).data("{ allProgress { mongoId } }")["allProgress"]) == 1


def test_a_story_deleted_while_a_choice_is_made_is_not_found(gql, author, player, published):
    progress = start_progress(player=player, scenario=published)
    choice = Choice.objects.get(scenario=published)
    stale = PlayerProgress.objects.get(pk=progress.pk)  # as makeChoice holds it when the story goes
    delete_scenario(editor=author, scenario=published)
    with pytest.raises(NotFound, match="deleted meanwhile"):
        choose(player=player, progress=stale, choice=choice)
    answer = gql.as_user(player).data(
        "mutation($s: ID!, $c: ID!) { makeChoice(scenarioId: $s, choiceId: $c) { success code } }",
        {"s": str(published.pk), "c": str(choice.pk)},
    )
    assert answer["makeChoice"] == {"success": False, "code": "NOT_FOUND"}


def test_a_draft_by_slug_is_not_found_without_its_id(gql, other_author):
    draft = ScenarioFactory(author=other_author, title="Hidden plans")
    result = gql('{ scenario(slug: "hidden-plans") { title } }')
    error = result["errors"][0]
    assert error["extensions"]["code"] == "NOT_FOUND" and str(draft.pk) not in error["message"]
    assert error["message"] == "No story has the slug “hidden-plans”."
    assert (
        gql.as_user(other_author).data('{ scenario(slug: "hidden-plans") { title } }')["scenario"]["title"]
        == "Hidden plans"
    )
