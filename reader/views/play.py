"""Playing a story: each choice, back and restart is a plain form post; htmx swaps the scene in place.

Every step goes through the progress service the GraphQL API uses; a guest's progress lives in the session.
"""

from functools import partial

from bson import ObjectId
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from story_admin import selectors
from story_admin.services import progress as progress_services
from story_admin.exceptions import NotFound, StoryError

from ..place import Place

PLAY_URLS = ("story", "play", "choose", "back", "restart")


def _scene_read(place: Place, progress):
    """What the page of the player's scene shows: that scene, its choices and their targets, the story's endings
    and the scene's media (not the whole story); a progress with no scene, the whole story (it says so)."""
    if progress.current_scene_id is None:
        return selectors.load_story(place.scenario)
    return selectors.load_step(
        place.scenario, from_scene_id=None, to_scene_id=progress.current_scene_id, endings=True, media=True
    )


def _render(request, place: Place, progress, *, story=None, error: str = "", status: int = 200):
    story = story or _scene_read(place, progress)
    reading = selectors.reading_of(progress, story)
    template = "reader/play.html#scene" if request.htmx else "reader/play.html"
    return TemplateResponse(
        request,
        template,
        {
            "place": place,
            "scenario": place.scenario,
            "progress": progress,
            "reading": reading,
            "error": error,
            "urls": {name: place.url(name) for name in PLAY_URLS},
        },
        status=status,
    )


def _answer(request, place: Place, progress, *, story=None, error: str = ""):
    """To htmx the scene (and the refusal) in place; to a plain form post a redirect to the play page (PRG)."""
    if request.htmx:
        return _render(request, place, progress, story=story, error=error, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect(place.url("play"))


def play(request, slug=None, token=None):
    place = Place.find(slug=slug, token=token)
    progress = place.progress(request)
    if progress is None:
        return redirect(place.url("story"))
    return _render(request, place, progress)


@require_POST
def start(request, slug=None, token=None):
    place = Place.find(slug=slug, token=token)
    try:
        place.start(request)
    except StoryError as error:
        messages.error(request, error.message)
        return redirect(place.url("story"))
    return redirect(place.url("play"))


@require_POST
def restart(request, slug=None, token=None):
    place = Place.find(slug=slug, token=token)
    try:
        progress = place.start(request, restart=True)
    except StoryError as error:
        messages.error(request, error.message)
        return redirect(place.url("story"))
    return _answer(request, place, progress)


def _step_read(place: Place, progress, choice_id, to: str):
    """The step's part of the story, read for the scene it reaches (a refusal shows the scene the player is in).

    The page names the choice's target (`to`), so the read is the two scenes' choices, whatever the story's size;
    a page from before that, or a choice the author has led elsewhere since, is read from the story's choices.
    """
    step_of = partial(selectors.load_step, place.scenario, from_scene_id=progress.current_scene_id, choice_id=choice_id)
    if len(to) == 24 and ObjectId.is_valid(to):
        step = step_of(to_scene_id=ObjectId(to), endings=True, media=True)
        taken = step.choices_by_id.get(choice_id)
        if taken is not None and taken.from_scene_id == progress.current_scene_id and str(taken.to_scene_id) == to:
            return step
    return step_of(endings=True, media=True)


@require_POST
def choose(request, slug=None, token=None):
    place = Place.find(slug=slug, token=token)
    progress = place.progress(request)
    if progress is None:
        return redirect(place.url("story"))
    try:
        choice_id = selectors.parse_object_id(request.POST.get("choice", ""), what="choice")
        step = _step_read(place, progress, choice_id, request.POST.get("to", ""))
        choice = step.choices_by_id.get(choice_id)
        if choice is None:
            raise NotFound("That choice is no longer in this story: choose again.")
        progress = place.kept(
            request,
            progress_services.choose(player=request.user, progress=progress, choice=choice, preview=place.preview),
        )
    except StoryError as error:
        return _answer(request, place, progress, error=error.message)
    return _answer(request, place, progress, story=step)


@require_POST
def back(request, slug=None, token=None):
    place = Place.find(slug=slug, token=token)
    progress = place.progress(request)
    if progress is None:
        return redirect(place.url("story"))
    try:
        progress = place.kept(
            request, progress_services.go_back(player=request.user, progress=progress, steps=1, preview=place.preview)
        )
    except StoryError as error:
        return _answer(request, place, progress, error=error.message)
    return _answer(request, place, progress)
