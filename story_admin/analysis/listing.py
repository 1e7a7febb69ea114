"""The state problems in the story's problems list (studio panel, admin, `problems` in the API): a bounded
exploration without playthroughs, kept per story content so a page listing problems twice explores once."""

import hashlib
from collections import OrderedDict

from django.conf import settings
from django.utils.translation import gettext_noop

from ..story import Story
from ..validation import StoryProblem
from .explore import explore
from .problems import state_problems

ANALYSIS_INCOMPLETE = "ANALYSIS_INCOMPLETE"
_KEPT: OrderedDict[str, list[StoryProblem]] = OrderedDict()
_KEEP = 64


def fingerprint(story: Story) -> str:
    """What the analysis reads, hashed: the same for the same story content, different after any edit that matters."""
    parts = [repr((story.scenario.pk, story.scenario.variables, story.scenario.items))]
    parts += [
        repr((scene.pk, scene.title, scene.is_start_scene, scene.is_end_scene, scene.effects)) for scene in story.scenes
    ]
    parts += [
        repr((choice.pk, choice.text, choice.from_scene_id, choice.to_scene_id, choice.condition, choice.effects))
        for choice in story.choices
    ]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def listed_state_problems(story: Story) -> list[StoryProblem]:
    key = fingerprint(story)
    if key in _KEPT:
        _KEPT.move_to_end(key)
        return list(_KEPT[key])
    exploration = explore(
        story,
        max_states=getattr(settings, "ANALYSIS_PROBLEMS_MAX_STATES", 20_000),
        max_seconds=getattr(settings, "ANALYSIS_PROBLEMS_MAX_SECONDS", 1.0),
    )
    problems = state_problems(story, exploration)
    if not exploration.complete:
        problems.append(
            StoryProblem.worded(
                ANALYSIS_INCOMPLETE,
                gettext_noop(
                    "The check of the story's state %(stopped)s: scenes and choices it did not reach are not reported "
                    "here. Open the Endings page for the full analysis."
                ),
                stopped=exploration.stopped,
            )
        )
    _KEPT[key] = problems
    while len(_KEPT) > _KEEP:
        _KEPT.popitem(last=False)
    return list(problems)
