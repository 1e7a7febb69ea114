"""Story problems: pure functions over an in-memory Story, each problem naming its scene or choice."""

from collections import deque
from dataclasses import dataclass

from bson import ObjectId

from .story import Story


@dataclass(frozen=True)
class StoryProblem:
    code: str
    message: str
    scene_id: ObjectId | None = None
    choice_id: ObjectId | None = None

    @property
    def blocks_publishing(self) -> bool:
        return self.code in BLOCKING_CODES


NO_START = "no_start"
SEVERAL_STARTS = "several_starts"
UNREACHABLE = "unreachable"
DEAD_END = "dead_end"
CHOICE_WITHOUT_TARGET = "choice_without_target"
CHOICE_OUTSIDE_STORY = "choice_outside_story"
UNREACHABLE_ENDING = "unreachable_ending"
NO_ENDING = "no_ending"

BLOCKING_CODES = {NO_START, SEVERAL_STARTS, CHOICE_WITHOUT_TARGET, CHOICE_OUTSIDE_STORY}


def story_problems(story: Story) -> list[StoryProblem]:
    """Everything that keeps a player from walking the story from its start to an ending."""
    problems = [*_start_problems(story), *_choice_problems(story), *_dead_ends(story)]
    if story.scenes and not story.endings:
        problems.append(StoryProblem(NO_ENDING, "The story has no ending: mark at least one scene as an ending."))
    if story.start_scenes:
        problems.extend(_reachability_problems(story))
    if story.start_scenes and (story.scenario.variables or story.scenario.items):
        # Imported here: the proofing reads this module's problems and reachability.
        from .analysis.listing import listed_state_problems

        problems.extend(listed_state_problems(story))
    return problems


def publishing_problems(story: Story) -> list[StoryProblem]:
    """The problems that make a story unplayable, so it cannot be published."""
    return [problem for problem in story_problems(story) if problem.blocks_publishing]


def _start_problems(story: Story):
    starts = story.start_scenes
    if not story.scenes:
        yield StoryProblem(NO_START, "The story has no scenes yet: add a first scene.")
    elif not starts:
        yield StoryProblem(NO_START, "The story has no start scene: mark one scene as the start.")
    for extra in starts[1:]:
        yield StoryProblem(
            SEVERAL_STARTS,
            f"“{extra.title}” is marked as a start, but “{starts[0].title}” already is: keep one start.",
            scene_id=extra.pk,
        )


def _choice_problems(story: Story):
    for choice in story.choices:
        origin = story.scenes_by_id.get(choice.from_scene_id)
        origin_title = origin.title if origin else "a deleted scene"
        if choice.to_scene_id is None:
            yield StoryProblem(
                CHOICE_WITHOUT_TARGET,
                f"The choice “{choice.text}” of “{origin_title}” leads nowhere: pick its target scene.",
                scene_id=choice.from_scene_id,
                choice_id=choice.pk,
            )
        elif choice.to_scene_id not in story.scenes_by_id:
            yield StoryProblem(
                CHOICE_OUTSIDE_STORY,
                f"The choice “{choice.text}” of “{origin_title}” leads out of this story: pick a scene of this story.",
                scene_id=choice.from_scene_id,
                choice_id=choice.pk,
            )


def _dead_ends(story: Story):
    for scene in story.scenes:
        if not scene.is_end_scene and not story.choices_from(scene):
            yield StoryProblem(
                DEAD_END,
                f"“{scene.title}” is a dead end: add a choice, or mark it as an ending.",
                scene_id=scene.pk,
            )


def _reachability_problems(story: Story):
    reached = reachable_scene_ids(story)
    for scene in story.scenes:
        if scene.pk in reached:
            continue
        if scene.is_end_scene:
            yield StoryProblem(
                UNREACHABLE_ENDING,
                f"No path from the start reaches the ending “{scene.title}”.",
                scene_id=scene.pk,
            )
        else:
            yield StoryProblem(
                UNREACHABLE,
                f"“{scene.title}” cannot be reached from the start: link a choice to it.",
                scene_id=scene.pk,
            )


def reachable_scene_ids(story: Story) -> set[ObjectId]:
    reached = {scene.pk for scene in story.start_scenes}
    pending = deque(reached)
    while pending:
        scene = story.scenes_by_id[pending.popleft()]
        for choice in story.choices_from(scene):
            if choice.to_scene_id in story.scenes_by_id and choice.to_scene_id not in reached:
                reached.add(choice.to_scene_id)
                pending.append(choice.to_scene_id)
    return reached
