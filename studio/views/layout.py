"""“Tidy up” the story map, and undo it."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _

from story_admin.services import layout as layout_services
from story_admin.exceptions import StoryError
from story_admin.services import history

from .access import author_required, editable_story


@author_required
@require_POST
def tidy_up(request, story_id):
    scenario = editable_story(request, story_id)
    layout_services.tidy_up(editor=request.user, scenario=scenario)
    messages.success(request, _("The map is tidied up, left to right from the start."))
    return redirect("studio:story", story_id=scenario.pk)


@author_required
@require_POST
def undo_tidy_up(request, story_id):
    """The older “Undo tidy up” address: undoes the latest step if it is a tidy-up (Undo does any step)."""
    scenario = editable_story(request, story_id)
    step = history.next_undo(editor=request.user, scenario=scenario)
    try:
        if step is None or step.kind != "tidy_up":
            raise StoryError(_("There is no tidy-up to undo."))
        history.undo(editor=request.user, scenario=scenario)
        messages.success(request, _("The map is back as it was."))
    except StoryError as error:
        messages.error(request, error.message)
    return redirect("studio:story", story_id=scenario.pk)
