"""Editing a story from its map: the scene panel, new scenes, choices, publishing."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from generation.selectors import any_pending, scene_media
from story_admin import selectors, services
from story_admin.exceptions import NotFound, StoryError
from story_admin.services.stories import version_of
from story_admin.services.undo import delete_choice_with_undo, delete_scene_with_undo, restore
from story_admin.models import Choice, EndingKind, Scene
from story_admin.state.schema import SceneNames

from .access import apply_errors, author_required, editable_story
from .story_map import map_context


class SceneForm(forms.Form):
    title = forms.CharField(max_length=200, label="Scene title")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False, label="Scene text")
    is_start_scene = forms.BooleanField(required=False, label="Start of the story")
    is_end_scene = forms.BooleanField(required=False, label="An ending")
    ending_kind = forms.ChoiceField(choices=EndingKind.choices, required=False, label="Kind of ending")
    effects_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}), required=False, label="Effects on arrival",
        help_text='One per line, with the story\'s variables and items: gold += 5, gain "lantern", luck = 2d6.')
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels read exactly "Scene title", "Scene text"
        super().__init__(*args, **kwargs)


CHOICE_STATE_FIELDS = ("condition_text", "locked_reason", "effects_text")


class ChoiceForm(forms.Form):
    text = forms.CharField(max_length=500, label="Label")
    to_scene = forms.ChoiceField(label="Leads to")

    def __init__(self, *args, scenes=(), **kwargs):
        kwargs.setdefault("auto_id", "choice_%s")  # its "text" must not share the scene form's id_text
        super().__init__(*args, **kwargs)
        self.fields["to_scene"].choices = [(str(scene.pk), scene.title) for scene in scenes]


def _object_id(value):
    try:
        return selectors.parse_object_id(value)
    except NotFound:
        raise Http404("No such document.") from None


def _scene(scenario, scene_id) -> Scene:
    scene = Scene.objects.filter(scenario=scenario, pk=_object_id(scene_id)).first()
    if scene is None:
        raise Http404("No such scene in this story.")
    scene.scenario = scenario
    return scene


def story_changed(response, *scenes):
    """Tell the map (static/studio/map.js listens) which scenes an edit in the panel changed.

    The one place the panel's responses say so: `HX-Trigger: {"story-changed": {"scenes": [ids]}}`.
    """
    trigger_client_event(response, "story-changed", {"scenes": [str(scene.pk) for scene in scenes]})
    return response


def _panel(request, scenario, scene, form=None, choice_form=None, status=200, changed=()):
    context = map_context(scenario, selected=scene)
    story = context["story"]
    scene = story.scenes_by_id[scene.pk]
    names = SceneNames(story)
    context.update({
        "scene": scene, "choices": story.choices_from(scene), "all_scenes": story.scenes,
        "scene_problems": [problem for problem in context["problems"] if problem.scene_id == scene.pk],
        "form": form or SceneForm(initial={**{name: getattr(scene, name) for name in SceneForm.base_fields
                                              if name not in ("version", "effects_text")},
                                           "effects_text": names.effects(scene.effects) or "",
                                           "version": version_of(scene)}),
        "choice_rows": [(choice, {"condition": names.condition(choice.condition or {}),
                                  "effects": names.effects(choice.effects)}) for choice in story.choices_from(scene)],
        "has_state": bool(scenario.variables or scenario.items),
        "choice_form": choice_form or ChoiceForm(scenes=story.scenes),
        "slots": (slots := scene_media(scene)), "pending": any_pending(slots),
    })
    if names.effects(scene.effects) is None:  # effects stored in a form the studio cannot print: kept, not shown
        context["form"].fields.pop("effects_text", None)
    template = "studio/partials/scene_panel.html" if request.htmx else "studio/scene_page.html"
    response = render(request, template, context, status=status)
    return story_changed(response, *changed) if changed and request.htmx else response


@author_required
def scene_panel(request, story_id, scene_id):
    scenario = editable_story(request, story_id)
    scene = _scene(scenario, scene_id)
    if request.method != "POST":
        return _panel(request, scenario, scene)
    form = SceneForm(request.POST)
    if form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version") or None
        if "effects_text" not in request.POST:  # not shown: effects stored in a form the studio cannot print
            changes.pop("effects_text")
        try:
            services.update_scene(editor=request.user, scene=scene, expected_version=version, **changes)
        except StoryError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{scene.title}” saved.")
            if not request.htmx:
                return redirect("studio:scene", story_id=scenario.pk, scene_id=scene.pk)
            return _panel(request, scenario, scene, changed=[scene])
    return _panel(request, scenario, scene, form=form, status=400)


@author_required
@require_POST
def add_scene(request, story_id):
    """A new scene, where the author double-clicked on the map (or after the last one)."""
    scenario = editable_story(request, story_id)
    position = {}
    if request.POST.get("x") and request.POST.get("y"):
        position = {"position_x": request.POST["x"], "position_y": request.POST["y"]}
    try:
        scene = services.create_scene(editor=request.user, scenario=scenario,
                                      title=request.POST.get("title", "").strip() or "New scene", **position)
    except StoryError as error:
        messages.error(request, error.message)
        return redirect("studio:story", story_id=scenario.pk)
    return redirect("studio:scene", story_id=scenario.pk, scene_id=scene.pk)


@author_required
@require_POST
def move_scene(request, story_id, scene_id):
    """Store a scene's new place on the map (sent by map.js when a drag ends)."""
    scenario = editable_story(request, story_id)
    try:
        services.move_scene(editor=request.user, scene=_scene(scenario, scene_id),
                            x=request.POST.get("x"), y=request.POST.get("y"))
    except StoryError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    return render(request, "studio/partials/map.html", map_context(scenario))


@author_required
@require_POST
def add_choice(request, story_id, scene_id):
    scenario = editable_story(request, story_id)
    scene = _scene(scenario, scene_id)
    form = ChoiceForm(request.POST, scenes=Scene.objects.filter(scenario=scenario))
    if form.is_valid():
        target = _scene(scenario, form.cleaned_data["to_scene"])
        try:
            services.create_choice(editor=request.user, from_scene=scene, to_scene=target,
                                   text=form.cleaned_data["text"])
        except StoryError as error:
            apply_errors(form, error)
        else:
            if not request.htmx:
                return redirect("studio:scene", story_id=scenario.pk, scene_id=scene.pk)
            return _panel(request, scenario, scene, changed=[scene, target])
    return _panel(request, scenario, scene, choice_form=form, status=400)


def _choice(scenario, scene, choice_id) -> Choice:
    choice = Choice.objects.filter(scenario=scenario, from_scene=scene, pk=_object_id(choice_id)).first()
    if choice is None:
        raise Http404("No such choice.")
    choice.scenario = scenario
    return choice


@author_required
@require_POST
def edit_choice(request, story_id, scene_id, choice_id):
    """Relabel a choice, point it elsewhere, or move it up or down."""
    scenario = editable_story(request, story_id)
    scene = _scene(scenario, scene_id)
    choice = _choice(scenario, scene, choice_id)
    changed = [scene]
    try:
        if request.POST.get("move") in ("up", "down"):
            services.reorder_choice(editor=request.user, choice=choice, offset=-1 if request.POST["move"] == "up" else 1)
        else:
            state = {name: request.POST[name] for name in CHOICE_STATE_FIELDS if name in request.POST}
            target = _scene(scenario, request.POST.get("to_scene", ""))
            before = Scene(pk=choice.to_scene_id)
            services.update_choice(editor=request.user, choice=choice, text=request.POST.get("text", ""),
                                   to_scene=target, **state)
            changed += [before, target]
    except StoryError as error:
        messages.error(request, error.message)
        changed = []
    if not request.htmx:
        return redirect("studio:scene", story_id=scenario.pk, scene_id=scene.pk)
    return _panel(request, scenario, scene, changed=changed)


@author_required
@require_POST
def delete_choice(request, story_id, scene_id, choice_id):
    scenario = editable_story(request, story_id)
    scene = _scene(scenario, scene_id)
    choice = _choice(scenario, scene, choice_id)
    target = Scene(pk=choice.to_scene_id)
    request.session[undo_key(scenario)] = delete_choice_with_undo(editor=request.user, choice=choice)
    messages.success(request, f"Choice “{choice.text}” deleted.")
    if not request.htmx:
        return redirect("studio:scene", story_id=scenario.pk, scene_id=scene.pk)
    return _panel(request, scenario, scene, changed=[scene, target])


def undo_key(scenario) -> str:
    return f"undo-delete-{scenario.pk}"


@author_required
@require_POST
def delete_scene(request, story_id, scene_id):
    scenario = editable_story(request, story_id)
    scene = _scene(scenario, scene_id)
    request.session[undo_key(scenario)] = delete_scene_with_undo(editor=request.user, scene=scene)
    messages.success(request, f"“{scene.title}” deleted with its choices.")
    return redirect("studio:story", story_id=scenario.pk)


@author_required
@require_POST
def undo_delete(request, story_id):
    scenario = editable_story(request, story_id)
    snapshot = request.session.pop(undo_key(scenario), None)
    try:
        if snapshot is None:
            raise StoryError("There is no deletion to undo.")
        label = restore(editor=request.user, scenario=scenario, snapshot=snapshot)
    except StoryError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{label}” is back.")
    return redirect("studio:story", story_id=scenario.pk)


@author_required
@require_POST
def publish(request, story_id):
    scenario = editable_story(request, story_id)
    publishing = request.POST.get("publish") == "1"
    if publishing and request.POST.get("confirmed") != "1":
        review = selectors.review_publishing(scenario)
        if review.warnings and not review.blocking:
            return render(request, "studio/confirm_publish.html", {"scenario": scenario, "warnings": review.warnings})
    try:
        if publishing:
            services.publish_scenario(editor=request.user, scenario=scenario)
            messages.success(request, f"“{scenario.title}” is published: players can read it.")
        else:
            services.unpublish_scenario(editor=request.user, scenario=scenario)
            messages.success(request, f"“{scenario.title}” is back to draft.")
    except StoryError as error:
        messages.error(request, error.message)
    return redirect(reverse("studio:story", args=[scenario.pk]))
