"""Private preview links of a story: create one for beta readers, revoke it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _

from story_admin import selectors
from story_admin.services.previews import create_preview_link, revoke_preview_link
from story_admin.exceptions import NotFound

from .access import author_required, editable_story


@author_required
def previews(request, story_id):
    scenario = editable_story(request, story_id)
    links = [
        (link, request.build_absolute_uri(f"/read/preview/{link.token}/"))
        for link in selectors.preview_links_of(request.user, scenario)
    ]
    return render(request, "studio/previews.html", {"scenario": scenario, "links": links})


@require_POST
@author_required
def create_preview(request, story_id):
    scenario = editable_story(request, story_id)
    create_preview_link(editor=request.user, scenario=scenario)
    messages.success(request, _("Preview link created: share it with your beta readers."))
    return redirect("studio:previews", story_id=scenario.pk)


@require_POST
@author_required
def revoke_preview(request, story_id, link_id):
    scenario = editable_story(request, story_id)
    try:
        link = selectors.get_preview_link_of(request.user, scenario, link_id)
    except NotFound:
        raise Http404("No such preview link.") from None
    revoke_preview_link(editor=request.user, link=link)
    messages.success(request, _("Preview link revoked: it no longer opens the story."))
    return redirect("studio:previews", story_id=scenario.pk)
