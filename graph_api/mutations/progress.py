"""Players' progress: the contract's mutations and the simpler player flow."""

import graphene

from story_admin import selectors
from story_admin.services.progress import advance, choose, delete_progress, go_back, set_time_spent, start_progress
from story_admin.exceptions import StoryRuleError
from story_admin.models import Choice, PlayerProgress, Scenario, Scene
from story_admin.services.progress import ensure_own_progress

from ..auth import require_user
from ..ids import load, object_id
from ..loaders import remember_step, story_around
from ..scalars import JSONString
from ..types import PlayerProgressType
from .base import ServiceMutation


def told(info, progress, done: str) -> str:
    """`done`, and a clear word when the player now stands where no choice leads on (a story being written)."""
    story = story_around(info, progress.scenario, progress.current_scene_id, read=True)
    stuck = selectors.stuck_message(progress, story)
    return f"{done} {stuck}" if stuck else done


def own_progress(user, progress_id) -> PlayerProgress:
    # No select_related: the embedded server runs its $lookup over every progress document before the
    # filter; the story comes by its id (one equality read) when the service asks for it.
    progress = load(PlayerProgress, progress_id, "progress")
    ensure_own_progress(user, progress)
    return progress


def read_step(info, progress: PlayerProgress, *, choice_id=None, scene_id=None):
    """The step's part of the story (`load_step`: the choices of the current scene, the scene reached with its
    choices and their targets; not the whole story), remembered for the payload, and the choice taken with its
    target. Never `select_related`, whose $lookup the embedded server runs over every choice of every story
    before it filters (35 s at 1,000 choices, the database connection lost). A choice of another story is read
    on its own, and the service refuses it with its reason."""
    choice_key = object_id(choice_id, what="choice") if choice_id else None
    step = remember_step(
        info,
        selectors.load_step(
            progress.scenario,
            from_scene_id=progress.current_scene_id,
            choice_id=choice_key,
            to_scene_id=object_id(scene_id, what="scene") if scene_id else None,
        ),
    )
    if choice_key is None:
        return step, None
    choice = step.choices_by_id.get(choice_key)
    return step, load(Choice, choice_id, "choice") if choice is None else choice


class CreateProgressInput(graphene.InputObjectType):
    scenario_id = graphene.ID(required=True)
    current_scene_id = graphene.ID(required=True)


class CreateProgress(ServiceMutation):
    class Arguments:
        input = CreateProgressInput(required=True)

    progress = graphene.Field(PlayerProgressType)

    @classmethod
    def perform(cls, root, info, input):
        player = require_user(info)
        scenario = load(Scenario, input.scenario_id, "story")
        scene = load(Scene, input.current_scene_id, "scene")
        if PlayerProgress.objects.filter(user=player, scenario=scenario).exists():
            raise StoryRuleError("You already play this story: continue it, or use resetProgress to start again.")
        if scene.scenario_id != scenario.pk or not scene.is_start_scene:
            raise StoryRuleError("A story is started at its start scene.")
        progress = start_progress(player=player, scenario=scenario)
        return cls(success=True, message=told(info, progress, "Story started."), progress=progress)


class RecordProgressInput(graphene.InputObjectType):
    progress_id = graphene.ID(required=True)
    scene_id = graphene.ID(required=True)
    choice_id = graphene.ID()
    metadata = JSONString()


class RecordProgress(ServiceMutation):
    """Move along a choice of the current scene (with no choice: along the one that leads to sceneId)."""

    class Arguments:
        input = RecordProgressInput(required=True)

    progress = graphene.Field(PlayerProgressType)

    @classmethod
    def perform(cls, root, info, input):
        player = require_user(info)
        progress = own_progress(player, input.progress_id)
        step, choice = read_step(info, progress, choice_id=input.get("choice_id"), scene_id=input.scene_id)
        reached = step.scenes_by_id.get(object_id(input.scene_id, what="scene"))
        to_scene = reached or load(Scene, input.scene_id, "scene")
        progress = advance(
            player=player, progress=progress, to_scene=to_scene, choice=choice, metadata=input.get("metadata")
        )
        return cls(success=True, message=told(info, progress, "Progress recorded."), progress=progress)


class UpdateProgressInput(graphene.InputObjectType):
    current_scene_id = graphene.ID()
    total_time_spent = graphene.Int()


class UpdateProgress(ServiceMutation):
    class Arguments:
        progress_id = graphene.ID(required=True)
        input = UpdateProgressInput(required=True)

    progress = graphene.Field(PlayerProgressType)

    @classmethod
    def perform(cls, root, info, progress_id, input):
        player = require_user(info)
        progress = own_progress(player, progress_id)
        target = load(Scene, input.current_scene_id, "scene") if input.get("current_scene_id") else None
        if input.get("total_time_spent") is not None and (input.total_time_spent < 0):
            raise StoryRuleError("Time spent must be zero or more seconds.")
        if target is not None and target.pk != progress.current_scene_id:
            progress = advance(player=player, progress=progress, to_scene=target)
        if input.get("total_time_spent") is not None:
            progress = set_time_spent(player=player, progress=progress, seconds=input.total_time_spent)
        return cls(success=True, message="Progress saved.", progress=progress)


class DeleteProgress(ServiceMutation):
    class Arguments:
        progress_id = graphene.ID(required=True)

    @classmethod
    def perform(cls, root, info, progress_id):
        player = require_user(info)
        delete_progress(player=player, progress=own_progress(player, progress_id))
        return cls(success=True, message="Progress deleted.")


class GoBackInHistory(ServiceMutation):
    class Arguments:
        progress_id = graphene.ID(required=True)
        steps_back = graphene.Int(required=True)

    progress = graphene.Field(PlayerProgressType)

    @classmethod
    def perform(cls, root, info, progress_id, steps_back):
        player = require_user(info)
        progress = go_back(player=player, progress=own_progress(player, progress_id), steps=steps_back)
        return cls(
            success=True,
            message=told(info, progress, f"Went back {steps_back} step{'s' if steps_back != 1 else ''}."),
            progress=progress,
        )


class StartScenario(ServiceMutation):
    """Start a story (or continue it where the player left off)."""

    class Arguments:
        scenario_id = graphene.ID(required=True)

    progress = graphene.Field(PlayerProgressType)

    @classmethod
    def perform(cls, root, info, scenario_id):
        progress = start_progress(player=require_user(info), scenario=load(Scenario, scenario_id, "story"))
        return cls(success=True, message=told(info, progress, "Story started."), progress=progress)


class MakeChoice(ServiceMutation):
    class Arguments:
        scenario_id = graphene.ID(required=True)
        choice_id = graphene.ID(required=True)

    progress = graphene.Field(PlayerProgressType)

    @classmethod
    def perform(cls, root, info, scenario_id, choice_id):
        player = require_user(info)
        # Equality reads only (a step is hot): the progress, its story by id, the step's part of the story.
        progress = PlayerProgress.objects.filter(user=player, scenario_id=object_id(scenario_id, what="story")).first()
        if progress is None:
            load(Scenario, scenario_id, "story")  # a missing story is NOT_FOUND, not "start it first"
            raise StoryRuleError("Start the story first (startScenario).")
        _, choice = read_step(info, progress, choice_id=choice_id)
        progress = choose(player=player, progress=progress, choice=choice)
        return cls(success=True, message=told(info, progress, "Choice made."), progress=progress)


class ResetProgress(ServiceMutation):
    class Arguments:
        scenario_id = graphene.ID(required=True)

    progress = graphene.Field(PlayerProgressType)

    @classmethod
    def perform(cls, root, info, scenario_id):
        progress = start_progress(
            player=require_user(info), scenario=load(Scenario, scenario_id, "story"), restart=True
        )
        return cls(success=True, message="Back at the start.", progress=progress)
