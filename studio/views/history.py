"""Undo and redo of a story's edits (the author's own journal, kept on the server), and their buttons."""

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _

from story_admin.exceptions import StoryError
from story_admin.services import history

from ..words import step_said
from .access import author_required, editable_story


def history_context(request, scenario) -> dict:
    """What the undo and redo buttons show: the label of the step each would take."""
    undo_step, redo_step = history.next_steps(editor=request.user, scenario=scenario)
    return {"scenario": scenario, "undo_step": undo_step, "redo_step": redo_step}


@author_required
def buttons(request, story_id):
    scenario = editable_story(request, story_id)
    return render(request, "studio/partials/history_buttons.html", history_context(request, scenario))


def _step(request, story_id, action, done: str):
    scenario = editable_story(request, story_id)
    scenes, notice, failed = [], "", False
    try:
        step = action(editor=request.user, scenario=scenario)
        scenes, notice = history.touched_scenes(step), done % {"label": step_said(step)}
    except StoryError as error:
        notice, failed = error.message, True
    if not request.htmx:
        (messages.error if failed else messages.success)(request, notice)
        return redirect("studio:story", story_id=scenario.pk)
    context = history_context(request, scenario) | {"notice": notice, "failed": failed}
    response = render(request, "studio/partials/history_buttons.html", context)
    if not failed:
        # story-changed: the map draws the story again; history-step: the map's message of the step before and an
        # open scene panel are stale (static/studio/map.js, panel.js).
        response["HX-Trigger"] = json.dumps({"story-changed": {"scenes": scenes}, "history-step": {"scenes": scenes}})
    return response


@author_required
@require_POST
def undo(request, story_id):
    return _step(request, story_id, history.undo, _("Undone: %(label)s."))


@author_required
@require_POST
def redo(request, story_id):
    return _step(request, story_id, history.redo, _("Redone: %(label)s."))
