"""The actions whose MongoDB commands bench/commands.py prints and tests/test_command_counts.py bounds.

Each action is what a real client sends: the players' app and the old editor over /graphql/ with a JWT,
an author's browser on the studio pages (session). A `World` holds one story of a given size.
"""

import json
from dataclasses import dataclass

from django.test import Client
from graphql_jwt.shortcuts import get_token

from story_admin.services.choices import create_choice
from story_admin.services.scenes import create_scene, update_scene
from story_admin.services.stories import create_scenario, publish_scenario
from story_admin.models import Choice, Role, User
from tests.command_count import counting

STORY = """query($id: ID!) { scenario(id: $id) { title startScene { mongoId }
  scenesList { mongoId title text isEndScene choices { mongoId text toSceneId { mongoId } } } } }"""
PROGRESS = (
    "progress { mongoId currentSceneId { mongoId } isCompleted availableChoices { available choice { mongoId } } }"
)
START = "mutation($s: ID!) { startScenario(scenarioId: $s) { success message " + PROGRESS + " } }"
RESET = "mutation($s: ID!) { resetProgress(scenarioId: $s) { success message " + PROGRESS + " } }"
CHOOSE = "mutation($s: ID!, $c: ID!) { makeChoice(scenarioId: $s, choiceId: $c) { success message " + PROGRESS + " } }"
RECORD = """mutation($p: ID!, $scene: ID!, $c: ID) { recordProgress(input: {progressId: $p, sceneId: $scene, choiceId: $c})
  { success message } }"""
CREATE_SCENE = """mutation($s: ID!, $t: String!) { createScene(input: {scenarioId: $s, title: $t, text: "More."}) { success message scene { mongoId } } }"""
# The Postman collection's createChoice sends no order (the new choice goes last: its scene's choices are read for
# the next order); the old editor's sends `order: 0` and `condition: "{}"` on every create (CONTRACT.md).
CREATE_CHOICE = """mutation($a: ID!, $b: ID!) { createChoice(input: {fromSceneId: $a, toSceneId: $b, text: "On"})
  { success message choice { mongoId } } }"""
EDITOR_CREATE_CHOICE = """mutation CreateChoice($input: CreateChoiceInput!) { createChoice(input: $input) {
  success message choice { mongoId text condition } } }"""
UPDATE_SCENE = """mutation($id: ID!, $t: String!) { updateScene(sceneId: $id, input: {title: $t, text: "Changed."})
  { success message } }"""
ALL_SCENARIOS = "query { allScenarios { mongoId title scenesList { mongoId title } } }"
BY_AUTHOR = "query($a: ID!) { scenariosByAuthor(authorId: $a) { mongoId title scenesList { mongoId } } }"


@dataclass
class World:
    author: User
    player: User
    story: object
    scenes: list
    extra_stories: int = 0
    serial: int = 0

    @classmethod
    def build(cls, *, scenes: int, stories: int = 1, label: str = "w"):
        """A published story of `scenes` scenes in a line (each with a choice to the next), and `stories - 1`
        more small published stories by the same author (for the list queries)."""
        author = User.objects.create_user(f"{label}-author@example.com", None, role=Role.AUTHOR)
        player = User.objects.create_user(f"{label}-player@example.com", None, role=Role.PLAYER)
        story = create_scenario(author=author, title=f"{label} story")
        made = [create_scene(editor=author, scenario=story, title=f"Scene {n}", text="Text.") for n in range(scenes)]
        for here, there in zip(made, made[1:]):
            create_choice(editor=author, from_scene=here, to_scene=there, text=f"To {there.title}")
        update_scene(editor=author, scene=made[-1], is_end_scene=True)
        publish_scenario(editor=author, scenario=story)
        for n in range(stories - 1):
            other = create_scenario(author=author, title=f"{label} other {n}")
            create_scene(editor=author, scenario=other, title="Only", text="Alone.")
        world = cls(author=author, player=player, story=story, scenes=made, extra_stories=stories - 1)
        world.player_token = get_token(player)
        world.author_token = get_token(author)
        world.studio = Client()
        world.studio.force_login(author)
        world.api = Client()
        return world

    def graphql(self, query, variables, *, as_author=False):
        token = self.author_token if as_author else self.player_token
        response = self.api.post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"JWT {token}",
        )
        body = response.json()
        refused = [
            payload
            for payload in (body.get("data") or {}).values()
            if isinstance(payload, dict) and payload.get("success") is False
        ]
        if response.status_code != 200 or body.get("errors") or refused:
            raise AssertionError(f"{query[:40]}…: {response.status_code} {body}")
        return body["data"]

    def fresh_title(self):
        self.serial += 1
        return f"New scene {self.serial}"


def _studio(world, method, url, data=None):
    response = getattr(world.studio, method)(url, data or {}, HTTP_HX_REQUEST="true")
    if response.status_code >= 400:
        raise AssertionError(f"{method.upper()} {url}: {response.status_code}")
    return response


def actions(world: World) -> dict:
    """Name -> a callable doing that action once; the player's actions start from a fresh progress."""
    story, first, second = str(world.story.pk), world.scenes[0], world.scenes[1]
    choice = str(Choice.objects.filter(from_scene=first).values_list("pk", flat=True)[0])

    def start():
        return world.graphql(START, {"s": story})

    def make_choice():
        world.graphql(START, {"s": story})
        world.graphql(RESET, {"s": story})
        with counting() as commands:
            world.graphql(CHOOSE, {"s": story, "c": choice})
        return commands

    def record_progress():
        world.graphql(START, {"s": story})
        progress = world.graphql(RESET, {"s": story})["resetProgress"]["progress"]["mongoId"]
        with counting() as commands:
            world.graphql(RECORD, {"p": progress, "scene": str(second.pk), "c": choice})
        return commands

    return {
        "graphql: read the whole story": lambda: world.graphql(STORY, {"id": story}),
        "graphql: startScenario": start,
        "graphql: makeChoice": make_choice,
        "graphql: recordProgress": record_progress,
        "graphql: createScene": lambda: world.graphql(
            CREATE_SCENE, {"s": story, "t": world.fresh_title()}, as_author=True
        ),
        "graphql: createChoice": lambda: world.graphql(
            CREATE_CHOICE, {"a": str(first.pk), "b": str(second.pk)}, as_author=True
        ),
        "graphql: createChoice, the editor's (order sent)": lambda: world.graphql(
            EDITOR_CREATE_CHOICE,
            {
                "input": {
                    "fromSceneId": str(first.pk),
                    "toSceneId": str(second.pk),
                    "text": "On",
                    "condition": "{}",
                    "order": 0,
                }
            },
            as_author=True,
        ),
        "graphql: updateScene": lambda: world.graphql(
            UPDATE_SCENE, {"id": str(second.pk), "t": world.fresh_title()}, as_author=True
        ),
        "graphql: allScenarios with scenes": lambda: world.graphql(ALL_SCENARIOS, {}, as_author=True),
        "graphql: scenariosByAuthor": lambda: world.graphql(BY_AUTHOR, {"a": str(world.author.pk)}, as_author=True),
        "studio: open the map": lambda: _studio(world, "get", f"/stories/{story}/"),
        "studio: open a scene": lambda: _studio(world, "get", f"/stories/{story}/scenes/{second.pk}/"),
        "studio: move a scene": lambda: _studio(
            world, "post", f"/stories/{story}/scenes/{second.pk}/move/", {"x": 40, "y": 80}
        ),
    }


def count(action) -> list[str]:
    """The commands one action sends (an action that counts a part of itself returns that part)."""
    with counting() as commands:
        inner = action()
    return inner if isinstance(inner, list) else commands
