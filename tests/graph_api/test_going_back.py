"""`goBackInHistory` follows the author's "allow back" switch: on (the default, as stored stories always were) it
goes back; off, it answers the usual refusal (`success: false`, BAD_USER_INPUT, a message saying why) and the
progress is left as it was. `allowBack` tells clients whether to show a Back button."""

import pytest

from story_admin.models import Choice, PlayerProgress
from story_admin.services.progress import choose, start_progress
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db

BACK = """mutation($id: ID!) { goBackInHistory(progressId: $id, stepsBack: 1) {
  success message code progress { currentSceneId { title } } } }"""


@pytest.fixture
def one_step_in(author, player):
    """A published story, `player` one step into it (Start → Next)."""
    story = ScenarioFactory(author=author, is_published=True)
    start = SceneFactory(scenario=story, title="Start", is_start_scene=True)
    on = Choice.objects.create(
        scenario=story, from_scene=start, text="On", to_scene=SceneFactory(scenario=story, title="Next")
    )
    progress = choose(player=player, progress=start_progress(player=player, scenario=story), choice=on)
    return story, progress


def test_going_back_is_allowed_by_default(gql, player, one_step_in):
    story, progress = one_step_in
    gql.as_user(player)
    assert gql.data("query($id: ID!) { scenarioById(scenarioId: $id) { allowBack } }", {"id": str(story.pk)}) == {
        "scenarioById": {"allowBack": True}
    }
    back = gql.data(BACK, {"id": str(progress.pk)})["goBackInHistory"]
    assert back["success"] is True and back["progress"]["currentSceneId"]["title"] == "Start"


def test_a_story_that_forbids_going_back_refuses_it_and_changes_nothing(gql, player, one_step_in):
    story, progress = one_step_in
    story.allow_back = False
    story.save()
    gql.as_user(player)
    back = gql.data(BACK, {"id": str(progress.pk)})["goBackInHistory"]
    assert back == {
        "success": False,
        "message": "The author of this story does not let players go back: every choice is final.",
        "code": "BAD_USER_INPUT",
        "progress": None,
    }
    stored = PlayerProgress.objects.get(pk=progress.pk)
    assert stored.current_scene.title == "Next" and len(stored.history) == 2
