"""Downloading a story as a file: Twee 3, Twine 2 HTML, or a backup zip."""

from django.http import Http404, HttpResponse

from story_admin.services.interchange import EXPORT_FORMATS, export_story_file

from .access import author_required, editable_story


@author_required
def export_story(request, story_id, format):
    if format not in EXPORT_FORMATS:
        raise Http404("Unknown export format.")
    exported = export_story_file(editor=request.user, scenario=editable_story(request, story_id), format=format)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response
