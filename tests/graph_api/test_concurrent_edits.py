"""Two clients saving the same scene: with `expectedVersion`, the later save is refused, never lost silently."""

import pytest

from story_admin.models import Scene
from tests.factories import ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db

READ = "query($id: ID!) { sceneById(sceneId: $id) { text version } }"
SAVE = """mutation($id: ID!, $text: String!, $version: String) {
  updateScene(sceneId: $id, input: {text: $text}, expectedVersion: $version) { success message scene { version } } }"""


def test_the_later_of_two_saves_is_refused(gql, author):
    scene = SceneFactory(scenario=ScenarioFactory(author=author))
    gql.as_user(author)
    version = gql.data(READ, {"id": str(scene.pk)})["sceneById"]["version"]
    first = gql.data(SAVE, {"id": str(scene.pk), "text": "Editor one", "version": version})["updateScene"]
    assert first["success"]
    second = gql.data(SAVE, {"id": str(scene.pk), "text": "Editor two", "version": version})["updateScene"]
    assert not second["success"] and "saved elsewhere" in second["message"]
    assert Scene.objects.get(pk=scene.pk).text == "Editor one"
    third = gql.data(SAVE, {"id": str(scene.pk), "text": "Editor two, merged", "version": first["scene"]["version"]})[
        "updateScene"
    ]
    assert third["success"] and Scene.objects.get(pk=scene.pk).text == "Editor two, merged"


def test_without_a_version_the_contract_behaviour_is_kept(gql, author):
    scene = SceneFactory(scenario=ScenarioFactory(author=author))
    gql.as_user(author)
    for text in ("One", "Two"):
        assert gql.data(SAVE, {"id": str(scene.pk), "text": text})["updateScene"]["success"]


def _at_the_same_instant(requests: list) -> list:
    """Run each request in its own thread (own HTTP client, own connection), released together by a barrier."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections
    from django.test import Client

    from tests.graphql_client import GraphQLClient

    start = Barrier(len(requests))

    def fire(request):
        user, document, variables = request
        client = GraphQLClient(Client()).as_user(user)
        start.wait()
        try:
            return client.data(document, variables)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(fire, requests))


def test_two_saves_over_the_same_version_at_the_same_instant_one_wins(gql, author):
    """20 rounds of two updateScene with the same expectedVersion released together: one saved, one refused."""
    scene = SceneFactory(scenario=ScenarioFactory(author=author))
    gql.as_user(author)
    for round_ in range(20):
        version = gql.data(READ, {"id": str(scene.pk)})["sceneById"]["version"]
        texts = [f"Round {round_}, editor {editor}" for editor in (1, 2)]
        answers = [
            answer["updateScene"]
            for answer in _at_the_same_instant(
                [(author, SAVE, {"id": str(scene.pk), "text": text, "version": version}) for text in texts]
            )
        ]
        won = [text for text, answer in zip(texts, answers) if answer["success"]]
        assert len(won) == 1, answers
        lost = next(answer for answer in answers if not answer["success"])
        assert "saved elsewhere" in lost["message"]
        stored = Scene.objects.get(pk=scene.pk)
        assert stored.text == won[0] and str(stored.version) == str(int(version) + 1)


CHOOSE = """mutation($story: ID!, $choice: ID!) {
  makeChoice(scenarioId: $story, choiceId: $choice) { success message code progress { currentSceneId { title } } } }"""


def test_two_choices_at_the_same_instant_one_step_is_recorded(gql, author, player):
    """20 rounds of two different makeChoice released together: one step recorded, the other refused."""
    from story_admin.services.progress import start_progress
    from story_admin.models import Choice, PlayerProgress

    scenario = ScenarioFactory(author=author, is_published=True)
    start = SceneFactory(scenario=scenario, title="Crossroads", is_start_scene=True)
    choices = [
        Choice.objects.create(
            scenario=scenario,
            from_scene=start,
            text=f"Road {n}",
            to_scene=SceneFactory(scenario=scenario, title=f"Road {n}"),
        )
        for n in (1, 2)
    ]
    for _ in range(20):
        start_progress(player=player, scenario=scenario, restart=True)
        answers = [
            answer["makeChoice"]
            for answer in _at_the_same_instant(
                [(player, CHOOSE, {"story": str(scenario.pk), "choice": str(choice.pk)}) for choice in choices]
            )
        ]
        won = [choice for choice, answer in zip(choices, answers) if answer["success"]]
        assert len(won) == 1, answers
        lost = next(answer for answer in answers if not answer["success"])["message"]
        # refused by the conditional write, or (had it read after the winner's step) by the step's own rule
        assert "changed meanwhile" in lost or "does not belong to the player's current scene" in lost, lost
        progress = PlayerProgress.objects.get(user=player, scenario=scenario)
        assert [entry.choice_id for entry in progress.history] == ["", str(won[0].pk)]
        assert progress.current_scene_id == won[0].to_scene_id
