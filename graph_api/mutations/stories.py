"""Stories, scenes and choices."""

import graphene

from generation.services import GenerationUnavailable, request_generation
from story_admin import selectors
from story_admin.services.choices import create_choice, delete_choice, delete_choices, update_choice
from story_admin.services.scenes import create_scene, delete_scene, update_scene
from story_admin.services.stories import (
    create_scenario,
    delete_scenario,
    publish_scenario,
    unpublish_scenario,
    update_scenario,
)
from story_admin.exceptions import NotFound
from story_admin.models import Asset, Choice, Scenario, Scene
from story_admin.validation import publishing_problems, story_problems

from ..auth import require_user
from ..ids import load, object_id
from ..scalars import JSONString
from ..loaders import story_of
from ..types import AssetType, ChoiceType, ScenarioType, SceneType, StoryProblemType
from .base import ServiceMutation, provided


def load_media(editor, values: dict) -> dict:
    """`imageId`/`soundId`/`musicId` inputs as assets (an explicit null detaches); an asset the editor
    may not see is reported missing, as a wrong id is."""
    media = {}
    for name in ("image", "sound", "music"):
        key = f"{name}_id"
        if key in values:
            media[name] = visible_asset(editor, values[key], f"{name} asset") if values[key] else None
    return media


def visible_asset(editor, value, what: str) -> Asset:
    try:
        return selectors.get_visible_asset(editor, object_id(value, what=what), what=what)
    except NotFound:
        raise NotFound(f"No {what} has the id “{value}”.") from None


# Stories -----------------------------------------------------------------


class CreateScenarioInput(graphene.InputObjectType):
    title = graphene.String(required=True)
    description = graphene.String()
    is_published = graphene.Boolean(default_value=False)
    language = graphene.String()
    tags = graphene.List(graphene.NonNull(graphene.String))


class UpdateScenarioInput(graphene.InputObjectType):
    title = graphene.String()
    description = graphene.String()
    is_published = graphene.Boolean()
    language = graphene.String()
    tags = graphene.List(graphene.NonNull(graphene.String))


def playability_problems_field():
    return graphene.List(
        graphene.NonNull(StoryProblemType),
        description="What keeps players from playing the story (what a strict publish would refuse).",
    )


def saved_story(mutation, info, scenario: Scenario, done: str):
    """The payload of a lenient save: published or not, it succeeds; what blocks playing is reported."""
    story = story_of(info, scenario)
    problems = publishing_problems(story)
    message = done
    if scenario.is_published and problems:
        message += " Not yet playable: " + " ".join(problem.message for problem in problems)
    return mutation(success=True, message=message, scenario=scenario, problems=StoryProblemType.listed(story, problems))


class CreateScenario(ServiceMutation):
    """As the old backend: `isPublished: true` on a story under construction is saved, and reported."""

    class Arguments:
        input = CreateScenarioInput(required=True)

    scenario = graphene.Field(ScenarioType)
    problems = playability_problems_field()

    @classmethod
    def perform(cls, root, info, input):
        scenario = create_scenario(
            author=require_user(info), **provided(input, "title", "description", "is_published", "language", "tags")
        )
        return saved_story(cls, info, scenario, "Story created.")


class UpdateScenario(ServiceMutation):
    """As the old backend: `isPublished: true` on a story under construction is saved, and reported."""

    class Arguments:
        scenario_id = graphene.ID(required=True)
        input = UpdateScenarioInput(required=True)

    scenario = graphene.Field(ScenarioType)
    problems = playability_problems_field()

    @classmethod
    def perform(cls, root, info, scenario_id, input):
        editor = require_user(info)
        scenario = update_scenario(
            editor=editor,
            scenario=load(Scenario, scenario_id, "story"),
            **provided(input, "title", "description", "is_published", "language", "tags"),
        )
        return saved_story(cls, info, scenario, "Story saved.")


class DeleteScenario(ServiceMutation):
    class Arguments:
        scenario_id = graphene.ID(required=True)

    @classmethod
    def perform(cls, root, info, scenario_id):
        editor = require_user(info)
        delete_scenario(editor=editor, scenario=load(Scenario, scenario_id, "story"))
        return cls(success=True, message="Story deleted with its scenes, choices and players' progress.")


class PublishScenario(ServiceMutation):
    """The strict publish: refused, with its problems listed, while the story cannot be played."""

    class Arguments:
        scenario_id = graphene.ID(required=True)

    scenario = graphene.Field(ScenarioType)
    problems = playability_problems_field()
    warnings = graphene.List(
        graphene.NonNull(StoryProblemType),
        description="Problems players may still meet (dead ends, unreachable scenes); they do not block publishing.",
    )

    @classmethod
    def perform(cls, root, info, scenario_id):
        editor = require_user(info)
        scenario = publish_scenario(editor=editor, scenario=load(Scenario, scenario_id, "story"))
        story = story_of(info, scenario)
        warnings = story_problems(story)
        message = "Story published."
        if warnings:
            message += " Players may still meet: " + " ".join(problem.message for problem in warnings)
        return cls(
            success=True,
            message=message,
            scenario=scenario,
            problems=[],
            warnings=StoryProblemType.listed(story, warnings),
        )


class UnpublishScenario(ServiceMutation):
    class Arguments:
        scenario_id = graphene.ID(required=True)

    scenario = graphene.Field(ScenarioType)

    @classmethod
    def perform(cls, root, info, scenario_id):
        editor = require_user(info)
        scenario = unpublish_scenario(editor=editor, scenario=load(Scenario, scenario_id, "story"))
        return cls(success=True, message="Story unpublished: players no longer see it.", scenario=scenario)


# Scenes ------------------------------------------------------------------

SCENE_INPUT_FIELDS = (
    "title",
    "text",
    "order",
    "is_start_scene",
    "is_end_scene",
    "ending_kind",
    "effects",
    "effects_text",
)
CHOICE_STATE_FIELDS = ("condition_text", "locked_reason", "effects", "effects_text")


class PositionInput(graphene.InputObjectType):
    x = graphene.Float(required=True)
    y = graphene.Float(required=True)


class SceneFields:
    title = graphene.String()
    text = graphene.String()
    order = graphene.Int()
    image_id = graphene.ID()
    sound_id = graphene.ID()
    music_id = graphene.ID()
    is_start_scene = graphene.Boolean()
    is_end_scene = graphene.Boolean()
    ending_kind = graphene.String()
    position = PositionInput()
    auto_generate_image = graphene.Boolean(default_value=False)
    auto_generate_sound = graphene.Boolean(default_value=False)
    auto_generate_music = graphene.Boolean(default_value=False)
    effects = JSONString(description="JSON Logic effects applied when a player arrives (a list).")
    effects_text = graphene.String(description='The same as the author writes them: `gold += 5; gain "key"`.')


class CreateSceneInput(SceneFields, graphene.InputObjectType):
    scenario_id = graphene.ID(required=True)
    title = graphene.String(required=True)
    text = graphene.String(required=True)
    order = graphene.Int(default_value=0)
    is_start_scene = graphene.Boolean(default_value=False)
    is_end_scene = graphene.Boolean(default_value=False)


class UpdateSceneInput(SceneFields, graphene.InputObjectType):
    pass


def scene_changes(editor, values) -> dict:
    changes = {**provided(values, *SCENE_INPUT_FIELDS), **load_media(editor, values)}
    if values.get("position") is not None:
        changes["position_x"], changes["position_y"] = values["position"].x, values["position"].y
    return changes


def queue_requested_media(editor, scene, values) -> tuple[list[Asset], str]:
    """Queue the media the autoGenerate flags ask for; the scene is saved whatever happens here."""
    queued = []
    for kind in ("image", "sound", "music"):
        if values.get(f"auto_generate_{kind}"):
            try:
                queued.append(request_generation(requester=editor, kind=kind, scene=scene))
            except GenerationUnavailable as error:
                return queued, f" {error.message}"
    return queued, ""


class CreateScene(ServiceMutation):
    class Arguments:
        input = CreateSceneInput(required=True)

    scene = graphene.Field(SceneType)
    queued_assets = graphene.List(AssetType, description="Media queued by the autoGenerate flags.")

    @classmethod
    def perform(cls, root, info, input):
        editor = require_user(info)
        scenario = load(Scenario, input.scenario_id, "story")
        scene = create_scene(editor=editor, scenario=scenario, **scene_changes(editor, input))
        queued, warning = queue_requested_media(editor, scene, input)
        return cls(success=True, message="Scene created." + warning, scene=scene, queued_assets=queued)


class UpdateScene(ServiceMutation):
    class Arguments:
        scene_id = graphene.ID(required=True)
        input = UpdateSceneInput(required=True)
        expected_version = graphene.String(
            description="The scene's `version` when it was read: the save is refused if someone saved it since."
        )

    scene = graphene.Field(SceneType)
    queued_assets = graphene.List(AssetType)

    @classmethod
    def perform(cls, root, info, scene_id, input, expected_version=None):
        editor = require_user(info)
        scene = update_scene(
            editor=editor,
            scene=load(Scene, scene_id, "scene"),
            expected_version=expected_version,
            **scene_changes(editor, input),
        )
        queued, warning = queue_requested_media(editor, scene, input)
        return cls(success=True, message="Scene saved." + warning, scene=scene, queued_assets=queued)


class DeleteScene(ServiceMutation):
    class Arguments:
        scene_id = graphene.ID(required=True)

    @classmethod
    def perform(cls, root, info, scene_id):
        delete_scene(editor=require_user(info), scene=load(Scene, scene_id, "scene"))
        return cls(success=True, message="Scene deleted with the choices leading to it and from it.")


# Choices -----------------------------------------------------------------


class ChoiceStateFields:
    condition_text = graphene.String(
        description="The condition as the author writes it: `gold >= 10 and "
        'has("lantern")`; checked against the story\'s variables.'
    )
    locked_reason = graphene.String(description="Shown to players while the condition is false; empty hides it.")
    effects = JSONString(description="JSON Logic effects applied when the choice is taken (a list).")
    effects_text = graphene.String(description="The same as the author writes them: `stamina -= 2`.")


class CreateChoiceInput(ChoiceStateFields, graphene.InputObjectType):
    from_scene_id = graphene.ID(required=True)
    to_scene_id = graphene.ID(required=True)
    text = graphene.String(required=True)
    condition = JSONString()
    order = graphene.Int()


class UpdateChoiceInput(ChoiceStateFields, graphene.InputObjectType):
    to_scene_id = graphene.ID()
    text = graphene.String()
    condition = JSONString()
    order = graphene.Int()


def load_scenes(*values) -> list[Scene]:
    """The scenes with these ids, in that order, read in one command; NotFound names the first missing one, as
    reading them one after the other did (an id that cannot be read is missing too)."""
    ids, unreadable = [], None
    for value in values:
        try:
            ids.append(object_id(value, what="scene"))
        except NotFound as error:
            unreadable = error
            break
    found = {scene.pk: scene for scene in Scene.objects.filter(pk__in=list(set(ids)))} if ids else {}
    for value, pk in zip(values, ids):
        if pk not in found:
            raise NotFound(f"No scene has the id “{value}”.")
    if unreadable is not None:
        raise unreadable
    return [found[pk] for pk in ids]


class CreateChoice(ServiceMutation):
    class Arguments:
        input = CreateChoiceInput(required=True)

    choice = graphene.Field(ChoiceType)

    @classmethod
    def perform(cls, root, info, input):
        editor = require_user(info)
        from_scene, to_scene = load_scenes(input.from_scene_id, input.to_scene_id)
        choice = create_choice(
            editor=editor,
            from_scene=from_scene,
            to_scene=to_scene,
            text=input.text,
            condition=input.get("condition"),
            order=input.get("order"),
            **provided(input, *CHOICE_STATE_FIELDS),
        )
        return cls(success=True, message="Choice created.", choice=choice)


class UpdateChoice(ServiceMutation):
    class Arguments:
        choice_id = graphene.ID(required=True)
        input = UpdateChoiceInput(required=True)

    choice = graphene.Field(ChoiceType)

    @classmethod
    def perform(cls, root, info, choice_id, input):
        editor = require_user(info)
        changes = provided(input, "text", "condition", "order", *CHOICE_STATE_FIELDS)
        if input.get("to_scene_id"):
            changes["to_scene"] = load(Scene, input.to_scene_id, "scene")
        choice = update_choice(editor=editor, choice=load(Choice, choice_id, "choice"), **changes)
        return cls(success=True, message="Choice saved.", choice=choice)


class DeleteChoice(ServiceMutation):
    class Arguments:
        choice_id = graphene.ID(required=True)

    @classmethod
    def perform(cls, root, info, choice_id):
        delete_choice(editor=require_user(info), choice=load(Choice, choice_id, "choice"))
        return cls(success=True, message="Choice deleted.")


class DeleteChoices(ServiceMutation):
    class Arguments:
        choice_ids = graphene.List(graphene.ID, required=True)

    deleted_count = graphene.Int()

    @classmethod
    def perform(cls, root, info, choice_ids):
        editor = require_user(info)
        choices = [load(Choice, choice_id, "choice") for choice_id in choice_ids]
        count = delete_choices(editor=editor, choices=choices)
        return cls(success=True, message=f"{count} choice{'s' if count != 1 else ''} deleted.", deleted_count=count)
