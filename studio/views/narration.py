"""“Narrate every scene”: the whole story's narration queued in one click, followed by one progress bar."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from generation.selectors import not_set_up, story_narration
from generation.services import narrate_story
from story_admin.exceptions import StoryError
from story_admin.models import AssetType

from .access import author_required, editable_story


def _said(run) -> str:
    """What one click queued, in an author's words."""
    parts = [
        ngettext("%(count)d scene queued for narration.", "%(count)d scenes queued for narration.", run.queued)
        % {"count": run.queued}
        if run.queued
        else _("Nothing new to narrate: every scene with text has a narration or one on its way.")
    ]
    if run.too_long:
        parts.append(
            ngettext(
                "Too long to narrate in one go (split it): %(titles)s.",
                "Too long to narrate in one go (split them): %(titles)s.",
                len(run.too_long),
            )
            % {"titles": ", ".join(f"“{title}”" for title in run.too_long)}
        )
    if run.quota_left:
        parts.append(
            ngettext(
                "%(count)d scene is left for later: %(reason)s",
                "%(count)d scenes are left for later: %(reason)s",
                run.quota_left,
            )
            % {"count": run.quota_left, "reason": run.quota_message}
        )
    return " ".join(parts)


@author_required
def narration(request, story_id):
    """GET: the progress bar (htmx polls it while narrations are on their way); POST: queue what is missing."""
    scenario = editable_story(request, story_id)
    notice, failed, status = "", False, 200
    if request.method == "POST":
        try:
            notice = _said(narrate_story(requester=request.user, scenario=scenario))
        except StoryError as error:
            notice, failed, status = error.message, True, 422 if request.htmx else 200
        if not request.htmx:
            (messages.error if failed else messages.success)(request, notice)
            return redirect("studio:story_settings", story_id=scenario.pk)
    # A poll (htmx GET) takes the progress bar alone; a click, the whole section with what it queued.
    template = "studio/partials/narration.html"
    if request.htmx and request.method != "POST":
        template += "#progress"
    return render(
        request,
        template,
        narration_context(scenario) | {"notice": notice, "failed": failed},
        status=status,
    )


def narration_context(scenario) -> dict:
    return {"scenario": scenario, "narration": story_narration(scenario), "narration_off": not_set_up(AssetType.SOUND)}
