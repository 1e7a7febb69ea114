"""Story problems: pure functions over an in-memory Story, each problem naming its scene or choice."""

from collections import deque
from dataclasses import dataclass, field

from bson import ObjectId
from django.utils.translation import gettext_noop

from .story import Story
from .wording import filled


@dataclass(frozen=True)
class StoryProblem:
    """`message` is English, as the API and the admin say it. A problem built by `worded` also keeps its wording (an
    English msgid with %(name)s places, marked for translation) and what fills it (texts, numbers, phrases:
    story_admin/wording.py), so an interface can say it in its reader's language (studio/words.py)."""

    code: str
    message: str
    scene_id: ObjectId | None = None
    choice_id: ObjectId | None = None
    wording: str = ""
    details: dict = field(default_factory=dict, hash=False)

    @classmethod
    def worded(cls, code: str, wording: str, scene_id=None, choice_id=None, **details) -> "StoryProblem":
        return cls(code, filled(wording, details), scene_id, choice_id, wording, details)

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
        problems.append(
            StoryProblem.worded(
                NO_ENDING, gettext_noop("The story has no ending: mark at least one scene as an ending.")
            )
        )
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
        yield StoryProblem.worded(NO_START, gettext_noop("The story has no scenes yet: add a first scene."))
    elif not starts:
        yield StoryProblem.worded(NO_START, gettext_noop("The story has no start scene: mark one scene as the start."))
    for extra in starts[1:]:
        yield StoryProblem.worded(
            SEVERAL_STARTS,
            gettext_noop("“%(title)s” is marked as a start, but “%(start)s” already is: keep one start."),
            scene_id=extra.pk,
            title=extra.title,
            start=starts[0].title,
        )


def _choice_problems(story: Story):
    for choice in story.choices:
        origin = story.scenes_by_id.get(choice.from_scene_id)
        if choice.to_scene_id is None:
            wording = (
                gettext_noop("The choice “%(choice)s” of “%(scene)s” leads nowhere: pick its target scene.")
                if origin
                else gettext_noop("The choice “%(choice)s” of a deleted scene leads nowhere: pick its target scene.")
            )
            code = CHOICE_WITHOUT_TARGET
        elif choice.to_scene_id not in story.scenes_by_id:
            wording = (
                gettext_noop(
                    "The choice “%(choice)s” of “%(scene)s” leads out of this story: pick a scene of this story."
                )
                if origin
                else gettext_noop(
                    "The choice “%(choice)s” of a deleted scene leads out of this story: pick a scene of this story."
                )
            )
            code = CHOICE_OUTSIDE_STORY
        else:
            continue
        details = {"choice": choice.text, "scene": origin.title} if origin else {"choice": choice.text}
        yield StoryProblem.worded(code, wording, scene_id=choice.from_scene_id, choice_id=choice.pk, **details)


def _dead_ends(story: Story):
    for scene in story.scenes:
        if not scene.is_end_scene and not story.choices_from(scene):
            yield StoryProblem.worded(
                DEAD_END,
                gettext_noop("“%(title)s” is a dead end: add a choice, or mark it as an ending."),
                scene_id=scene.pk,
                title=scene.title,
            )


def _reachability_problems(story: Story):
    reached = reachable_scene_ids(story)
    for scene in story.scenes:
        if scene.pk in reached:
            continue
        if scene.is_end_scene:
            yield StoryProblem.worded(
                UNREACHABLE_ENDING,
                gettext_noop("No path from the start reaches the ending “%(title)s”."),
                scene_id=scene.pk,
                title=scene.title,
            )
        else:
            yield StoryProblem.worded(
                UNREACHABLE,
                gettext_noop("“%(title)s” cannot be reached from the start: link a choice to it."),
                scene_id=scene.pk,
                title=scene.title,
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
