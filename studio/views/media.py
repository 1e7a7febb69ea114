"""The scene panel's media: generate, upload, remove, and follow a job's progress."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _

from generation.selectors import any_pending, scene_media
from generation.services import request_generation
from generation.uploads import attach_upload
from story_admin.services.scenes import update_scene
from story_admin.exceptions import StoryError
from story_admin.models import MediaKind

from .access import author_required, editable_story
from .scenes import _scene


def _media(request, scenario, scene, status=200):
    slots = scene_media(scene)
    response = render(
        request,
        "studio/partials/media.html",
        {"scenario": scenario, "scene": scene, "slots": slots, "pending": any_pending(slots)},
        status=status,
    )
    return response if request.htmx else redirect("studio:scene", story_id=scenario.pk, scene_id=scene.pk)


@author_required
def media(request, story_id, scene_id):
    scenario = editable_story(request, story_id)
    return _media(request, scenario, _scene(scenario, scene_id))


def _act(request, story_id, scene_id, action):
    """Run `action(scene)`; a refusal is shown in the media panel, which is redrawn either way."""
    scenario = editable_story(request, story_id)
    try:
        action(_scene(scenario, scene_id))
    except StoryError as error:
        messages.error(request, error.message)
        return _media(request, scenario, _scene(scenario, scene_id), status=422 if request.htmx else 200)
    return _media(request, scenario, _scene(scenario, scene_id))


def _kind(request) -> str:
    kind = request.POST.get("kind") or request.POST.get("field") or ""
    if kind not in MediaKind.values:
        raise StoryError(_("Choose image, narration or music."))
    return kind


@author_required
@require_POST
def generate(request, story_id, scene_id):
    return _act(
        request,
        story_id,
        scene_id,
        lambda scene: request_generation(
            requester=request.user, kind=_kind(request), scene=scene, prompt=request.POST.get("prompt", "")
        ),
    )


@author_required
@require_POST
def upload(request, story_id, scene_id):
    def attach(scene):
        file = request.FILES.get("file")
        if file is None:
            raise StoryError(_("Choose a file to upload."))
        attach_upload(editor=request.user, scene=scene, kind=_kind(request), filename=file.name, data=file.read())

    return _act(request, story_id, scene_id, attach)


@author_required
@require_POST
def remove(request, story_id, scene_id):
    return _act(
        request,
        story_id,
        scene_id,
        lambda scene: update_scene(editor=request.user, scene=scene, **{_kind(request): None}),
    )
