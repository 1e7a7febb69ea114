"""What every studio view needs: an author signed in, and their stories (another author's is a 404)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404

from story_admin import permissions, selectors
from story_admin.exceptions import NotFound, StoryError


def author_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.is_author(request.user):
            return redirect_to_login(request.get_full_path(), "studio:signin")
        return view(request, *args, **kwargs)

    return wrapped


def editable_story(request, story_id):
    """The story if the signed-in author may edit it; any other case is a 404, never a hint."""
    try:
        scenario = selectors.get_scenario(story_id)
    except NotFound:
        raise Http404("No such story.") from None
    if not permissions.can_edit_story(request.user, scenario):
        raise Http404("No such story.")
    return scenario


def apply_errors(form, error: StoryError) -> None:
    """A domain refusal shown on the form: each field error beside its field, else the message above it, each
    with the refusal's code (`ErrorCode`). The one place where the studio turns a domain error into form errors."""
    for field, errors in error.field_errors.items():
        form.add_error(
            field if field in form.fields else None, [ValidationError(message, code=error.code) for message in errors]
        )
    if not error.field_errors:
        form.add_error(None, ValidationError(error.message, code=error.code))
