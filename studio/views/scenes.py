"""Editing a story from its map: the scene panel, new scenes, choices, publishing."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from generation.selectors import any_pending, scene_media
from story_admin import selectors
from story_admin.services.choices import create_choice, reorder_choice, update_choice
from story_admin.services.scenes import create_scene, free_scene_title
from story_admin.services.stories import publish_scenario, unpublish_scenario
from story_admin.services import layout as layout_services
from story_admin.exceptions import NotFound, StoryError, StoryRuleError
from story_admin.services.quick_links import add_choice_by_text, update_scene_with_links
from story_admin.services.scenes import STALE_SCENE, version_of
from story_admin.services.undo import delete_choice_with_undo, delete_scene_with_undo, restore
from story_admin.models import Choice, EndingKind, Scene
from story_admin.state.schema import SceneNames

from ..words import ENDING_NAMES
from .access import apply_errors, author_required, editable_story
from .story_map import map_context, map_document
from .history import history_context


ENDINGS = [(kind, ENDING_NAMES[kind]) for kind in EndingKind]


class SceneForm(forms.Form):
    title = forms.CharField(max_length=200, label=gettext_lazy("Scene title"))
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        label=gettext_lazy("Scene text"),
        help_text=gettext_lazy("[[Take the lantern->The cave]] becomes a choice when the text is saved."),
    )
    ending = forms.ChoiceField(choices=ENDINGS, required=False, label=gettext_lazy("Ending"))
    is_start_scene = forms.BooleanField(required=False, label=gettext_lazy("Start of the story"))
    effects_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        required=False,
        label=gettext_lazy("Effects on arrival"),
        help_text=gettext_lazy(
            'One per line, with the story\'s variables and items: gold += 5, gain "lantern", luck = 2d6.'
        ),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels read exactly "Scene title", "Scene text"
        super().__init__(*args, **kwargs)

    def changes(self) -> dict:
        """The service's fields: the one "Ending" control is `is_end_scene` and `ending_kind`."""
        changes = dict(self.cleaned_data)
        ending = changes.pop("ending")
        changes.pop("version")
        return {**changes, "is_end_scene": bool(ending), "ending_kind": ending}


CHOICE_STATE_FIELDS = ("condition_text", "locked_reason", "effects_text")


class ChoiceForm(forms.Form):
    """A choice with its target picked by title (a combobox over the story's scenes)."""

    text = forms.CharField(max_length=500, label=gettext_lazy("Label"))
    to_scene = forms.CharField(
        label=gettext_lazy("Leads to"),
        widget=forms.TextInput(attrs={"list": "scene-options", "autocomplete": "off"}),
        help_text=gettext_lazy("Type to search the scenes by title."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "choice_%s")  # its "text" must not share the scene form's id_text
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class NewChoiceForm(forms.Form):
    choice = forms.CharField(
        max_length=800,
        label=gettext_lazy("New choice"),
        widget=forms.TextInput(
            attrs={
                "placeholder": gettext_lazy("Take the lantern -> The cave"),
                "autocomplete": "off",
                "enterkeyhint": "done",
            }
        ),
        help_text=gettext_lazy("Words of the choice -> title of a scene; a new title adds that scene."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "new_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def refused(request) -> int:
    """The status of a refused form: 422 for htmx, which base.html's htmx-config swaps in place (and which
    django-htmx's DEBUG error page, bound to 400/403/404/500, leaves alone); 400 for a plain form post."""
    return 422 if request.htmx else 400


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


def _panel(
    request,
    scenario,
    scene,
    form=None,
    choice_form=None,
    new_choice_form=None,
    status=200,
    changed=(),
    notice="",
    notice_at="",
    typed_row=None,
):
    """The scene panel; `notice` (a confirmation) shows beside the control `notice_at` names."""
    context = map_context(scenario, selected=scene)
    story = context["story"]
    scene = story.scenes_by_id[scene.pk]
    names = SceneNames(story)
    context.update(
        {
            "scene": scene,
            "choices": story.choices_from(scene),
            "first_titles": selectors.scene_titles_matching(scenario_id=scenario.pk, query=""),
            "scene_problems": [problem for problem in context["problems"] if problem.scene_id == scene.pk],
            "form": form
            or SceneForm(
                initial={
                    "title": scene.title,
                    "text": scene.text,
                    "ending": scene.ending_kind if scene.is_end_scene else "",
                    "is_start_scene": scene.is_start_scene,
                    "effects_text": names.effects(scene.effects) or "",
                    "version": version_of(scene),
                }
            ),
            "choice_rows": [
                (
                    choice,
                    {
                        "condition": names.condition(choice.condition or {}),
                        "effects": names.effects(choice.effects),
                        "target": story.scenes_by_id[choice.to_scene_id].title
                        if choice.to_scene_id in story.scenes_by_id
                        else "",
                        "typed": typed_row if typed_row and typed_row["pk"] == choice.pk else None,
                    },
                )
                for choice in story.choices_from(scene)
            ],
            "has_state": bool(scenario.variables or scenario.items),
            "choice_form": choice_form or ChoiceForm(),
            "new_choice_form": new_choice_form or NewChoiceForm(),
            "notice": notice,
            "notice_at": notice_at,
            "notice_row": notice_at.removeprefix("choice-") if notice_at.startswith("choice-") else "",
            "slots": (slots := scene_media(scene)),
            "pending": any_pending(slots),
        }
    )
    if names.effects(scene.effects) is None:  # effects stored in a form the studio cannot print: kept, not shown
        context["form"].fields.pop("effects_text", None)
    if request.htmx:
        template = "studio/partials/scene_panel.html"
    else:
        template = "studio/scene_page.html"
        context["map_document"] = map_document(scenario, story=story, problems=context["problems"])
        context |= history_context(request, scenario)  # the page's Undo / Redo buttons name the author's last step
    response = render(request, template, context, status=status)
    return story_changed(response, *changed) if changed and request.htmx else response


def _saved(request, scenario, scene, message, at, changed):
    """After an edit: the panel again, the confirmation beside the control used (a plain post: a redirect)."""
    if not request.htmx:
        messages.success(request, message)
        return redirect("studio:scene", story_id=scenario.pk, scene_id=scene.pk)
    return _panel(request, scenario, scene, changed=changed, notice=message, notice_at=at)


@author_required
def scene_panel(request, story_id, scene_id):
    scenario = editable_story(request, story_id)
    scene = _scene(scenario, scene_id)
    if request.method != "POST":
        return _panel(request, scenario, scene)
    form = SceneForm(request.POST)
    if form.is_valid():
        changes = form.changes()
        if "effects_text" not in request.POST:  # not shown: effects stored in a form the studio cannot print
            changes.pop("effects_text")
        try:
            scene, added = update_scene_with_links(
                editor=request.user, scene=scene, expected_version=form.cleaned_data["version"] or None, **changes
            )
        except StoryError as error:
            apply_errors(form, error)
        else:
            return _saved(
                request,
                scenario,
                scene,
                _("“%(title)s” saved.") % {"title": scene.title},
                "scene",
                [scene, *(link.target for link in added)],
            )
    return _panel(request, scenario, scene, form=form, status=refused(request))


def autosaved_changes(data) -> tuple[dict, dict]:
    """What autosave.js sent, as the service's fields, and the messages of the fields refused. Only the fields sent
    are saved: the title and text as typed, the ending and "Start of the story" as soon as they are changed (the
    scene form's own fields clean them, so the "Ending" control is `is_end_scene` and `ending_kind` here too)."""
    changes = {name: data[name] for name in ("title", "text") if name in data}
    refused = {}
    for name in ("ending", "is_start_scene"):
        if name not in data:
            continue
        try:
            value = SceneForm.base_fields[name].clean(data[name])
        except forms.ValidationError as error:
            refused[name] = error.messages
            continue
        if name == "ending":
            changes.update(is_end_scene=bool(value), ending_kind=value)
        else:
            changes[name] = value
    return changes, refused


def _autosave_refused(fields: dict) -> JsonResponse:
    labels = {
        "title": _("Scene title"),
        "text": _("Scene text"),
        "ending": _("Ending"),
        "is_start_scene": _("Start of the story"),
    }
    said = " ".join(f"{labels.get(name, name)}: {' '.join(messages)}" for name, messages in fields.items())
    return JsonResponse({"error": said, "fields": fields, "retry": False}, status=422)


@author_required
@require_POST
def autosave(request, story_id, scene_id):
    """Title and text saved as the author types, the ending and start as they are picked (static/studio/autosave.js),
    as JSON.

    200: saved, with the new version (and the text as stored, when its [[links]] became choices);
    409: saved elsewhere since `version`: both versions, so the author keeps theirs or the other;
    422: refused, with the message of each field.
    """
    scenario = editable_story(request, story_id)
    scene = _scene(scenario, scene_id)
    changes, fields = autosaved_changes(request.POST)
    if fields:
        return _autosave_refused(fields)
    try:
        scene, added = update_scene_with_links(
            editor=request.user, scene=scene, expected_version=request.POST.get("version") or None, **changes
        )
    except NotFound as error:
        return JsonResponse({"error": error.message, "retry": False}, status=404)
    except StoryError as error:
        if error.message == STALE_SCENE:
            theirs = Scene.objects.filter(pk=scene.pk).first()
            return JsonResponse(
                {
                    "error": _("Saved elsewhere (another tab or author) since you opened it."),
                    "theirs": {
                        "title": theirs.title,
                        "text": theirs.text,
                        "ending": theirs.ending_kind if theirs.is_end_scene else "",
                        "is_start_scene": theirs.is_start_scene,
                        "version": version_of(theirs),
                    },
                },
                status=409,
            )
        return _autosave_refused(dict(error.field_errors) or {"title": [error.message]})
    response = JsonResponse(
        {
            "version": version_of(scene),
            "title": scene.title,
            "text": scene.text,
            "links": len(added),
            "scenes": [str(scene.pk), *(str(link.target.pk) for link in added)],
        }
    )
    return story_changed(response, scene, *(link.target for link in added))


@author_required
def scene_titles(request, story_id):
    """The target picker's options: at most 20 scene titles matching what was typed (for thousands of scenes)."""
    scenario = editable_story(request, story_id)
    query = request.GET.get("to_scene") or request.GET.get("q") or ""
    return render(
        request,
        "studio/partials/scene_options.html",
        {"titles": selectors.scene_titles_matching(scenario_id=scenario.pk, query=query)},
    )


@author_required
@require_POST
def add_scene(request, story_id):
    """A new scene, where the author double-clicked on the map (or after the last one)."""
    scenario = editable_story(request, story_id)
    position = {}
    if request.POST.get("x") and request.POST.get("y"):
        position = {"position_x": request.POST["x"], "position_y": request.POST["y"]}
    try:
        title = request.POST.get("title", "").strip() or free_scene_title(scenario_id=scenario.pk, base=_("New scene"))
        scene = create_scene(editor=request.user, scenario=scenario, title=title, **position)
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
        layout_services.move_scene(
            editor=request.user, scene=_scene(scenario, scene_id), x=request.POST.get("x"), y=request.POST.get("y")
        )
    except StoryError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    return render(request, "studio/partials/map.html")  # the marker alone: map.js fetches map.json again


def _target(scenario, value) -> Scene:
    """The scene a picker names: by its title (the combobox), or by its id (older forms, the map)."""
    value = (value or "").strip()
    if not value:
        raise StoryRuleError(_("Pick the scene the choice leads to."), field_errors={"to_scene": [_("Pick a scene.")]})
    try:
        scene = Scene.objects.filter(scenario=scenario, pk=selectors.parse_object_id(value)).first()
    except NotFound:
        scene = None
    scene = scene or selectors.scene_by_title(scenario_id=scenario.pk, title=value)
    if scene is None:
        raise StoryRuleError(
            _("No scene of this story is called “%(title)s”.") % {"title": value},
            field_errors={
                "to_scene": [
                    _("No scene is called “%(title)s”: pick one from the list, or use “New choice” to add a new scene.")
                    % {"title": value}
                ]
            },
        )
    scene.scenario = scenario
    return scene


@author_required
@require_POST
def add_choice(request, story_id, scene_id):
    scenario = editable_story(request, story_id)
    scene = _scene(scenario, scene_id)
    form = ChoiceForm(request.POST)
    if form.is_valid():
        try:
            target = _target(scenario, form.cleaned_data["to_scene"])
            create_choice(editor=request.user, from_scene=scene, to_scene=target, text=form.cleaned_data["text"])
        except StoryError as error:
            apply_errors(form, error)
        else:
            return _saved(
                request,
                scenario,
                scene,
                _("Choice to “%(title)s” added.") % {"title": target.title},
                "choice",
                [scene, target],
            )
    return _panel(request, scenario, scene, choice_form=form, status=refused(request))


@author_required
@require_POST
def add_choice_text(request, story_id, scene_id):
    """The "New choice" field: "Open the door -> The cellar" links to that scene, or adds it beside this one."""
    scenario = editable_story(request, story_id)
    scene = _scene(scenario, scene_id)
    form = NewChoiceForm(request.POST)
    if form.is_valid():
        try:
            added = add_choice_by_text(editor=request.user, from_scene=scene, text=form.cleaned_data["choice"])
        except StoryError as error:
            apply_errors(form, error)
        else:
            message = (
                _("New scene “%(title)s” added, linked by “%(label)s”.")
                if added.created_scene
                else _("“%(label)s” now leads to “%(title)s”.")
            ) % {"title": added.target.title, "label": added.choice.text}
            return _saved(request, scenario, scene, message, "new-choice", [scene, added.target])
    return _panel(request, scenario, scene, new_choice_form=form, status=refused(request))


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
            reorder_choice(editor=request.user, choice=choice, offset=-1 if request.POST["move"] == "up" else 1)
        else:
            state = {name: request.POST[name] for name in CHOICE_STATE_FIELDS if name in request.POST}
            target = _target(scenario, request.POST.get("to_scene", ""))
            before = Scene(pk=choice.to_scene_id)
            update_choice(
                editor=request.user, choice=choice, text=request.POST.get("text", ""), to_scene=target, **state
            )
            changed += [before, target]
    except StoryError as error:
        if not request.htmx:
            messages.error(request, error.message)
            return redirect("studio:scene", story_id=scenario.pk, scene_id=scene.pk)
        typed = {
            "pk": choice.pk,
            "text": request.POST.get("text", ""),
            "to_scene": request.POST.get("to_scene", ""),
            "field": next(iter(error.field_errors), ""),
        }
        said = next(iter(error.field_errors.values()), [error.message])[0]
        return _panel(
            request,
            scenario,
            scene,
            status=422,
            notice=said,
            notice_at=f"choice-{choice.pk}",
            typed_row=typed if "move" not in request.POST else None,
        )
    return _saved(
        request,
        scenario,
        scene,
        _("Choice “%(label)s” saved.") % {"label": choice.text},
        f"choice-{choice.pk}",
        changed,
    )


@author_required
@require_POST
def delete_choice(request, story_id, scene_id, choice_id):
    scenario = editable_story(request, story_id)
    scene = _scene(scenario, scene_id)
    choice = _choice(scenario, scene, choice_id)
    target = Scene(pk=choice.to_scene_id)
    request.session[undo_key(scenario)] = delete_choice_with_undo(editor=request.user, choice=choice)
    return _saved(
        request, scenario, scene, _("Choice “%(label)s” deleted.") % {"label": choice.text}, "choices", [scene, target]
    )


def undo_key(scenario) -> str:
    return f"undo-delete-{scenario.pk}"


@author_required
@require_POST
def delete_scene(request, story_id, scene_id):
    scenario = editable_story(request, story_id)
    scene = _scene(scenario, scene_id)
    request.session[undo_key(scenario)] = delete_scene_with_undo(editor=request.user, scene=scene)
    messages.success(request, _("“%(title)s” deleted with its choices.") % {"title": scene.title})
    return redirect("studio:story", story_id=scenario.pk)


@author_required
@require_POST
def undo_delete(request, story_id):
    scenario = editable_story(request, story_id)
    snapshot = request.session.pop(undo_key(scenario), None)
    try:
        if snapshot is None:
            raise StoryError(_("There is no deletion to undo."))
        label = restore(editor=request.user, scenario=scenario, snapshot=snapshot)
    except StoryError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(label)s” is back.") % {"label": label})
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
            publish_scenario(editor=request.user, scenario=scenario)
            messages.success(request, _("“%(title)s” is published: players can read it.") % {"title": scenario.title})
        else:
            unpublish_scenario(editor=request.user, scenario=scenario)
            messages.success(request, _("“%(title)s” is back to draft.") % {"title": scenario.title})
    except StoryError as error:
        messages.error(request, error.message)
    return redirect(reverse("studio:story", args=[scenario.pk]))
