"""The Endings page: which endings a player can reach, with what chance, by which path (playable in the
play-test), the problems only state shows, and the coverage of random playthroughs.

Small stories are analysed at once; large ones (over ANALYSIS_JOB_SCENES scenes) by a job on the `default`
queue, the page showing its progress until the result, cached by the story's content, is there."""

from bson import ObjectId
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from story_admin import selectors
from story_admin.analysis.cached import story_analysis
from story_admin.state.schema import schema_of

from ..words import phrase_said
from .access import author_required, editable_story


def _rolled(effects) -> list[str]:
    return [effect["roll"][0] for effect in effects or [] if isinstance(effect, dict) and "roll" in effect]


def _play_url(story, scenario, path: list[dict], seed: int = 1) -> str:
    """The play-test at the end of the witness path, with each step's first roll fixed to what the path rolled."""
    query = [("seed", seed)]
    steps = [step["choice"] for step in path if step["choice"]]
    if steps:
        query.append(("steps", ",".join(steps)))
    for number, step in enumerate(path):
        scene = story.scenes_by_id.get(ObjectId(step["scene"]))
        choice = story.choices_by_id.get(ObjectId(step["choice"])) if step["choice"] else None
        rolled = (_rolled(choice.effects) if choice else []) + (_rolled(scene.effects) if scene else [])
        if rolled and rolled[0] in step["state"].get("variables", {}):
            query.append(("roll", f"{number}:{step['state']['variables'][rolled[0]]}"))
    return f"{reverse('studio:play', args=[scenario.pk])}?{urlencode(query)}"


def _state_text(state: dict, schema) -> str:
    parts = [
        f"{name} = {str(value).lower() if isinstance(value, bool) else value}"
        for name, value in (state.get("variables") or {}).items()
        if name in schema.variables
    ]
    if state.get("items"):
        parts.append(_("carrying %(items)s") % {"items": ", ".join(state["items"])})
    return "; ".join(parts)


def _scene(story, value):
    return story.scenes_by_id.get(ObjectId(value)) if value else None


@author_required
def endings(request, story_id):
    scenario = editable_story(request, story_id)
    story = selectors.load_story(scenario)
    context = {"scenario": scenario, "story_endings": story.endings}
    if not story.endings:
        return render(request, "studio/endings.html", context)
    analysis = story_analysis(scenario, story=story)
    if not analysis.ready:
        context.update(
            pending=True,
            states_so_far=analysis.states_so_far,
            failed=analysis.failed,
            max_states=settings.ANALYSIS_MAX_STATES,
        )
        return render(request, "studio/endings.html", context)
    document, schema = analysis.document, schema_of(scenario)
    rows = []
    for ending in document["endings"]:
        path = [
            {
                "scene": _scene(story, step["scene"]),
                "choice": story.choices_by_id.get(ObjectId(step["choice"])) if step["choice"] else None,
                "state": _state_text(step["state"], schema),
            }
            for step in ending["path"]
        ]
        rows.append(
            {
                **ending,
                "scene": _scene(story, ending["scene"]),
                "path": path,
                "percent": None if ending["probability"] is None else ending["probability"] * 100,
                "error_percent": ending["probabilityError"] * 100,
                "play_url": _play_url(story, scenario, ending["path"]) if ending["path"] else None,
            }
        )
    problems = [{**problem, "scene": _scene(story, problem["scene"])} for problem in document["problems"]]
    coverage = [
        {**row, "scene": _scene(story, row["scene"]), "percent": row["share"] * 100}
        for row in document["coverage"]["scenes"]
    ]
    context.update(
        analysis=document,
        # Why the exploration stopped, in the author's language (a document kept before it had one: its summary).
        stopped=phrase_said(document.get("stopped"), document["summary"]),
        endings=rows,
        problems=problems,
        coverage=coverage,
        unreached=[row["scene"] for row in coverage if not row["visits"]],
        players=document["coverage"]["players"],
    )
    return render(request, "studio/endings.html", context)
