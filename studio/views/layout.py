"""“Tidy up” the story map, and undo it."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from story_admin import services

from .access import author_required, editable_story


def _undo_key(scenario) -> str:
    return f"undo-positions-{scenario.pk}"


@author_required
@require_POST
def tidy_up(request, story_id):
    scenario = editable_story(request, story_id)
    request.session[_undo_key(scenario)] = services.tidy_up(editor=request.user, scenario=scenario)
    messages.success(request, "The map is tidied up, left to right from the start.")
    return redirect("studio:story", story_id=scenario.pk)


@author_required
@require_POST
def undo_tidy_up(request, story_id):
    scenario = editable_story(request, story_id)
    previous = request.session.pop(_undo_key(scenario), None)
    if previous is None:
        messages.error(request, "There is no tidy-up to undo.")
    else:
        services.place_scenes(editor=request.user, scenario=scenario, positions=previous)
        messages.success(request, "The map is back as it was.")
    return redirect("studio:story", story_id=scenario.pk)
