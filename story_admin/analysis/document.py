"""An analysis as a JSON document (ids, numbers, states): what is cached in Redis by story content and what the
API and the Endings page read back, matching scene and choice ids to the loaded story."""

from django.utils.translation import gettext_noop

from ..validation import StoryProblem
from .listing import ANALYSIS_INCOMPLETE
from .report import Analysis


def analysis_document(analysis: Analysis) -> dict:
    coverage = analysis.coverage
    problems = analysis.problems
    if not analysis.complete:
        problems = [
            *problems,
            StoryProblem.worded(
                ANALYSIS_INCOMPLETE,
                gettext_noop(
                    "The exploration %(stopped)s: what it did not reach is not reported, and the chances are "
                    "estimated from the playthroughs."
                ),
                stopped=analysis.exploration.stopped,
            ),
        ]
    return {
        "complete": analysis.complete,
        "statesExplored": analysis.states_explored,
        "summary": analysis.summary,
        "stopped": analysis.exploration.stopped,
        "seconds": round(analysis.exploration.seconds, 4),
        "endings": [
            {
                "scene": str(ending.scene.pk),
                "reachable": ending.reachable,
                "probability": ending.probability,
                "probabilityError": ending.probability_error,
                "exact": ending.exact,
                "minSteps": ending.min_steps,
                "medianSteps": ending.median_steps,
                "path": [
                    {
                        "scene": str(step.scene.pk),
                        "choice": str(step.choice.pk) if step.choice else None,
                        "state": step.state,
                    }
                    for step in ending.path
                ],
            }
            for ending in analysis.endings
        ],
        # Each with its wording and what fills it (plain JSON: story_admin.wording), for the studio to say.
        "problems": [
            {
                "code": problem.code,
                "message": problem.message,
                "wording": problem.wording,
                "details": problem.details,
                "scene": str(problem.scene_id) if problem.scene_id else None,
                "choice": str(problem.choice_id) if problem.choice_id else None,
            }
            for problem in problems
        ],
        "coverage": {
            "players": coverage.players if coverage else 0,
            "stuck": coverage.stuck if coverage else 0,
            "scenes": [
                {
                    "scene": str(scene.pk),
                    "visits": coverage.scene_visits[scene.pk],
                    "share": coverage.scene_share(scene.pk),
                }
                for scene in analysis.story.scenes
            ]
            if coverage
            else [],
            "choices": [
                {
                    "choice": str(choice.pk),
                    "takes": coverage.choice_takes[choice.pk],
                    "share": coverage.choice_share(choice.pk),
                }
                for choice in analysis.story.choices
            ]
            if coverage
            else [],
        },
    }
