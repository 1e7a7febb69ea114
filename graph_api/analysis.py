"""`storyAnalysis`: the proofing with state, for the story's author (and superusers); others are told the story
does not exist, like the other author fields."""

import graphene
from bson import ObjectId

from story_admin import permissions
from story_admin.analysis.cached import story_analysis

from .auth import current_user
from .loaders import story_of
from .queries import _not_found, domain_errors, readable_scenario
from .scalars import JSONString
from .types import ChoiceType, SceneType, StoryProblemType


def _found(mapping, value):
    return mapping.get(ObjectId(value)) if value else None


class AnalysisStepType(graphene.ObjectType):
    scene = graphene.Field(SceneType, description="The scene reached by this step (the start for the first).")
    choice = graphene.Field(ChoiceType, description="The choice taken to get there; null for the start.")
    state = JSONString(description="The player's state there: variables, items, visits read by the story.")


class AnalysisEndingType(graphene.ObjectType):
    scene = graphene.Field(SceneType)
    reachable = graphene.Boolean()
    probability = graphene.Float(description="For a player picking uniformly among the open choices.")
    probability_error = graphene.Float(description="0 when exact; else the 95 % margin of the estimate.")
    exact = graphene.Boolean(description="Whether the probability and median come from the complete exploration.")
    min_steps = graphene.Int()
    median_steps = graphene.Float()
    path = graphene.List(AnalysisStepType, description="The shortest path found that reaches this ending.")


class SceneCoverageType(graphene.ObjectType):
    scene = graphene.Field(SceneType)
    visits = graphene.Int(description="Random playthroughs that saw this scene.")
    share = graphene.Float()


class ChoiceCoverageType(graphene.ObjectType):
    choice = graphene.Field(ChoiceType)
    takes = graphene.Int(description="Random playthroughs that took this choice.")
    share = graphene.Float()


class StoryAnalysisType(graphene.ObjectType):
    complete = graphene.Boolean(description="False when the exploration stopped at its cap.")
    states_explored = graphene.Int()
    summary = graphene.String(description="“complete: N states explored” or “stopped after N states …”.")
    playthroughs = graphene.Int()
    endings = graphene.List(AnalysisEndingType)
    problems = graphene.List(StoryProblemType)
    coverage = graphene.List(SceneCoverageType, description="Per scene, the share of random playthroughs seeing it.")
    choice_coverage = graphene.List(ChoiceCoverageType)


def _analysis_type(story, document: dict) -> StoryAnalysisType:
    scenes, choices = story.scenes_by_id, story.choices_by_id
    coverage = document["coverage"]
    return StoryAnalysisType(
        complete=document["complete"],
        states_explored=document["statesExplored"],
        summary=document["summary"],
        playthroughs=coverage["players"],
        endings=[
            AnalysisEndingType(
                scene=_found(scenes, ending["scene"]),
                reachable=ending["reachable"],
                probability=ending["probability"],
                probability_error=ending["probabilityError"],
                exact=ending["exact"],
                min_steps=ending["minSteps"],
                median_steps=ending["medianSteps"],
                path=[
                    AnalysisStepType(
                        scene=_found(scenes, step["scene"]), choice=_found(choices, step["choice"]), state=step["state"]
                    )
                    for step in ending["path"]
                ],
            )
            for ending in document["endings"]
        ],
        problems=[
            StoryProblemType(
                code=problem["code"],
                message=problem["message"],
                scene=_found(scenes, problem["scene"]),
                choice=_found(choices, problem["choice"]),
            )
            for problem in document["problems"]
        ],
        coverage=[
            SceneCoverageType(scene=_found(scenes, row["scene"]), visits=row["visits"], share=row["share"])
            for row in coverage["scenes"]
        ],
        choice_coverage=[
            ChoiceCoverageType(choice=_found(choices, row["choice"]), takes=row["takes"], share=row["share"])
            for row in coverage["choices"]
        ],
    )


class AnalysisQuery(graphene.ObjectType):
    story_analysis = graphene.Field(
        StoryAnalysisType,
        scenario_id=graphene.ID(required=True),
        description="Which endings a player can reach, by which path, how often, and where a player gets stuck "
        "(the story's author only). Cached until the story changes.",
    )

    @staticmethod
    @domain_errors
    def resolve_story_analysis(root, info, scenario_id):
        scenario = readable_scenario(info, scenario_id)
        if not permissions.can_edit_story(current_user(info), scenario):
            raise _not_found("story", scenario_id)
        story = story_of(info, scenario)
        return _analysis_type(story, story_analysis(scenario, in_background=False, story=story).document)
