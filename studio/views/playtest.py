"""Play-testing a story inside the studio: its path lives in the address, players' progress is never touched."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from story_admin import selectors
from story_admin.exceptions import NotFound

from .access import author_required, editable_story


def _scene_ids(text: str) -> list:
    try:
        return [selectors.parse_object_id(part) for part in text.split(",") if part]
    except NotFound:
        raise Http404("This play-test path is not valid.") from None


@author_required
def play(request, story_id):
    scenario = editable_story(request, story_id)
    story = selectors.load_story(scenario)
    path = _scene_ids(request.GET.get("path", ""))
    requested = _scene_ids(request.GET.get("scene", ""))
    scene = story.scenes_by_id.get(requested[0]) if requested else story.start_scene
    if scene is None:
        return render(request, "studio/play.html", {"scenario": scenario, "scene": None}, status=404 if requested else 200)
    base = reverse("studio:play", args=[scenario.pk])
    trail = [*path, scene.pk]
    choices = [(choice, f"{base}?{urlencode({'scene': choice.to_scene_id, 'path': ','.join(map(str, trail))})}")
               for choice in story.choices_from(scene) if choice.to_scene_id in story.scenes_by_id]
    back = f"{base}?{urlencode({'scene': path[-1], 'path': ','.join(map(str, path[:-1]))})}" if path else None
    return render(request, "studio/play.html", {
        "scenario": scenario, "scene": scene, "choices": choices, "back": back, "restart": base,
        "here": f"{base}?{urlencode({'scene': scene.pk})}", "steps": len(path),
    })
