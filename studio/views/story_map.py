"""The story map: scenes at their positions, choices as arrows, problems beside; and its outline twin."""

import json
import logging
from functools import wraps

from bson import ObjectId
from bson.errors import InvalidId
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from story_admin import analytics, selectors
from story_admin.services.choices import create_choice, update_choice
from story_admin.services.layout import group_scenes, place_scenes
from story_admin.services.scenes import create_scene, free_scene_title
from story_admin.exceptions import StoryError
from story_admin.models import Choice, Scene
from story_admin.analysis.cached import story_analysis
from story_admin.state.schema import SceneNames
from story_admin.validation import story_problems

from ..words import ending_name, problem_said
from .access import author_required, editable_story
from .history import history_context

logger = logging.getLogger(__name__)


def map_context(scenario, selected=None, *, story=None):
    """What a page of the map shows around the map itself (map.js draws it from `map_document`); `story` when the
    page has read it already (the map page reads its outline: `selectors.load_story_outline`)."""
    story = story or selectors.load_story(scenario)
    problems = story_problems(story)
    return {
        "story": story,
        "scenario": scenario,
        "problems": problems,
        "not_playable": scenario.is_published and any(problem.blocks_publishing for problem in problems),
        "selected": selected,
    }


@author_required
def story_map(request, story_id):
    scenario = editable_story(request, story_id)
    context = map_context(scenario, story=selectors.load_story_outline(scenario))
    context |= history_context(request, scenario)
    context["map_document"] = map_document(scenario, story=context["story"], problems=context["problems"])
    query = request.GET.get("q", "").strip()
    if query:
        context["query"] = query
        context["matches"] = selectors.scenes_matching(scenario_id=scenario.pk, query=query)
    return render(request, "studio/story_map.html", context)


@author_required
def search(request, story_id):
    """The map's search as the author types (static/studio/map.js): {"query": q, "scenes": [ids in reading order]}.

    Asked of the server rather than matched in the browser: map.json carries no scene texts (every edit fetches
    it again, and a story's texts can weigh megabytes), and one selector matches for the map and the page alike."""
    scenario = editable_story(request, story_id)
    query = request.GET.get("q", "").strip()[:200]
    scenes = selectors.scenes_matching(scenario_id=scenario.pk, query=query)
    return JsonResponse({"query": query, "scenes": [str(scene.pk) for scene in scenes]})


@author_required
def outline(request, story_id):
    context = map_context(editable_story(request, story_id))
    context["rows"] = [(scene, context["story"].choices_from(scene)) for scene in context["story"].scenes]
    return render(request, "studio/outline.html", context)


HINT_LENGTH = 60


def _hint(text: str | None) -> str:
    """A state rule as the card or arrow shows it: on one line, cut to HINT_LENGTH characters."""
    line = "; ".join(part.strip() for part in (text or "").splitlines() if part.strip())
    return line if len(line) <= HINT_LENGTH else line[: HINT_LENGTH - 1] + "…"


SCENE_ID = ObjectId("0" * 24)  # in `scene_url`, where map.js puts each id


def map_document(scenario, *, story=None, problems=None) -> dict:
    """The whole story as map.js draws it: map.json, from the same selectors as the pages.

    A full page embeds it from the story it read already (`story`, `problems`), so opening the map reads the
    story once; map.json serves the refreshes after an edit. Lean: a scene or choice carries only the fields it has
    (no empty hint, false flag or empty list), and what map.js works out itself is left out (each card's link, from
    `scene_url`; each scene's counts of choices): at 2,000 scenes the document weighed 1.3 MB, half of it such fields.
    """
    story = story or selectors.load_story_outline(scenario)
    problems = story_problems(story) if problems is None else problems
    said = [(problem, problem_said(problem)) for problem in problems]
    by_scene = {}
    for problem, message in said:
        if problem.scene_id:
            by_scene.setdefault(problem.scene_id, []).append(message)
    names = SceneNames(story)
    scenes = []
    for scene in story.scenes:
        card = {"id": str(scene.pk), "title": scene.title, "x": scene.position_x, "y": scene.position_y}
        if scene.is_start_scene:
            card["start"] = True
        if scene.is_end_scene:
            card["ending"] = True
            if scene.ending_kind:
                card["ending_kind"] = ending_name(scene.ending_kind)
        if scene.effects:
            card["effects"] = _hint(names.effects(scene.effects))
        if scene.tags:
            card["tags"] = list(scene.tags)
        if scene.group:
            card["group"] = scene.group
        if scene.pk in by_scene:
            card["problems"] = by_scene[scene.pk]
        scenes.append(card)
    known = story.scenes_by_id
    choices = []
    for choice in story.choices:
        if choice.from_scene_id not in known or choice.to_scene_id not in known:
            continue
        arrow = {"id": str(choice.pk), "from": str(choice.from_scene_id), "to": str(choice.to_scene_id)}
        arrow["label"] = choice.text
        if choice.condition:
            arrow["conditioned"] = True
            arrow["condition"] = _hint(names.condition(choice.condition))
        if choice.effects:
            arrow["effects"] = _hint(names.effects(choice.effects))
        choices.append(arrow)
    return {
        "story": str(scenario.pk),
        "large": len(scenes) >= settings.MAP_LARGE_STORY_SCENES,
        "scene_url": reverse("studio:scene", args=[scenario.pk, SCENE_ID]).replace(str(SCENE_ID), "{id}"),
        "scenes": scenes,
        "choices": choices,
        "problems": [
            {"message": message, "scene": str(problem.scene_id) if problem.scene_id else None}
            for problem, message in said
        ],
    }


@author_required
def problems(request, story_id):
    """The problems list alone: the map page fetches it again after an edit made outside the panel (map, undo)."""
    scenario = editable_story(request, story_id)
    return render(
        request,
        "studio/partials/problems.html",
        {"scenario": scenario, "problems": story_problems(selectors.load_story_outline(scenario))},
    )


@author_required
def map_json(request, story_id):
    return JsonResponse(map_document(editable_story(request, story_id)))


def _refusal(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


class _Unreadable(ValueError):
    """A map request whose JSON body is not what the map sends."""


def _body(request, **fields) -> dict:
    """The request's JSON object, each of `fields` present with its type (`None` in a tuple: may be missing)."""
    try:
        data = json.loads(request.body)
    except ValueError as error:
        raise _Unreadable from error
    if not isinstance(data, dict) or any(not isinstance(data.get(name), kind) for name, kind in fields.items()):
        raise _Unreadable
    return data


def _in_story(model, scenario, value):
    """The scene or choice of this story with id `value`, or None; an id that is no id is unreadable."""
    try:
        return model.objects.filter(scenario=scenario, pk=ObjectId(value)).first()
    except (InvalidId, TypeError) as error:
        raise _Unreadable from error


def _reads(what: str):
    """A map view whose body, when unreadable, gets one refusal in words: “<what> could not be read.”"""

    def decorate(view):
        @wraps(view)
        def reading(request, story_id):
            try:
                return view(request, story_id)
            except _Unreadable:
                return _refusal(_("%(what)s could not be read. Reload the page and try again.") % {"what": what})

        return reading

    return decorate


@author_required
@require_POST
@_reads(gettext_lazy("The new positions"))
def place(request, story_id):
    """Store the positions of the scenes of one drop: {"positions": {"<scene id>": [x, y]}}."""
    scenario = editable_story(request, story_id)
    positions = _body(request, positions=dict)["positions"]
    if not positions:
        raise _Unreadable
    try:
        place_scenes(editor=request.user, scenario=scenario, positions=positions)
    except (StoryError, ValueError, TypeError) as error:
        logger.info("Map positions refused for story %s: %s", scenario.pk, error)
        return _refusal(getattr(error, "message", None) or _("A position is not a number."))
    return JsonResponse({"saved": len(positions)})


@author_required
@require_POST
@_reads(gettext_lazy("The link"))
def link(request, story_id):
    """A choice dragged from one scene onto another, or onto empty space: a new scene there and the choice."""
    scenario = editable_story(request, story_id)
    data = _body(request, **{"from": str, "to": (str, type(None))})
    origin = _in_story(Scene, scenario, data["from"])
    target = _in_story(Scene, scenario, data["to"]) if data.get("to") else None
    if origin is None or (data.get("to") and target is None):
        return _refusal(_("That scene is no longer in the story. Reload the page."), status=404)
    origin.scenario = scenario
    try:
        # Two steps of the history (the scene, then the choice): the services each write in their own
        # transaction, and the backend cannot nest them.
        if target is None:
            target = create_scene(
                editor=request.user,
                scenario=scenario,
                title=free_scene_title(scenario_id=scenario.pk, base=_("New scene")),
                position_x=data.get("x"),
                position_y=data.get("y"),
            )
        choice = create_choice(
            editor=request.user,
            from_scene=origin,
            to_scene=target,
            text=(data.get("label") or "").strip() or "Continue",
        )
    except StoryError as error:
        return _refusal(error.message)
    return JsonResponse({"choice": str(choice.pk), "scene": str(target.pk)}, status=201)


@author_required
@require_POST
@_reads(gettext_lazy("The label"))
def label(request, story_id):
    """A choice's label typed in place on the map, right after it was drawn: {"choice": id, "label": text}."""
    scenario = editable_story(request, story_id)
    data = _body(request, choice=str, label=str)
    choice, text = _in_story(Choice, scenario, data["choice"]), data["label"]
    if choice is None:
        return _refusal(_("That choice is no longer in the story. Reload the page."), status=404)
    choice.scenario = scenario
    try:
        update_choice(editor=request.user, choice=choice, text=text)
    except StoryError as error:
        return _refusal(error.message)
    return JsonResponse({"choice": str(choice.pk), "label": choice.text})


@author_required
@require_POST
@_reads(gettext_lazy("The group"))
def group(request, story_id):
    """Selected scenes put in a named group (a chapter box on the map), or out of it: {"scenes": [ids], "name": ""}."""
    scenario = editable_story(request, story_id)
    data = _body(request, scenes=list, name=(str, type(None)))
    scenes, name = data["scenes"], data.get("name") or ""
    try:
        changed = group_scenes(editor=request.user, scenario=scenario, scene_ids=scenes, name=name)
    except StoryError as error:
        return _refusal(error.message)
    return JsonResponse({"changed": changed, "name": name.strip()})


HEAT_LAYERS = {
    "playthroughs": gettext_lazy("Share of random playthroughs that visit each scene"),
    "stops": gettext_lazy("Real players who stopped at each scene"),
}


@author_required
def heat(request, story_id):
    """A heat layer for the map: {"ready": bool, "legend": text, "scenes": {id: 0..1}, "choices": {id: 0..1}}; the
    choices' shares only where the layer has them (the random playthroughs)."""
    scenario = editable_story(request, story_id)
    layer = request.GET.get("layer", "playthroughs")
    if layer not in HEAT_LAYERS:
        return _refusal(_("No such map colouring: %(layer)s.") % {"layer": layer or _("none named")}, status=404)
    if layer == "stops":
        stops = analytics.drop_off_by_scene(user=request.user, scenario=scenario)
        total = sum(stops.values())
        return JsonResponse(
            {
                "ready": True,
                "scenes": {str(pk): count / total for pk, count in stops.items()},
                "legend": _("%(layer)s (%(total)s in all); darker is more.")
                % {"layer": HEAT_LAYERS[layer], "total": total}
                if total
                else _("No real player has stopped anywhere yet."),
            }
        )
    story = selectors.load_story(scenario)
    analysis = story_analysis(scenario, story=story)
    if not analysis.ready:
        return JsonResponse(
            {"ready": False, "legend": _("The playthroughs are still being run: try again shortly."), "scenes": {}}
        )
    coverage = analysis.document["coverage"]
    return JsonResponse(
        {
            "ready": True,
            "legend": _(
                "%(layer)s (%(players)s playthroughs); darker is more, and a thicker arrow is a choice more of them took."
            )
            % {"layer": HEAT_LAYERS[layer], "players": coverage["players"]},
            "scenes": {str(row["scene"]): row["share"] for row in coverage["scenes"]},
            "choices": {str(row["choice"]): row["share"] for row in coverage["choices"]},
        }
    )
