"""A story's variables and items: declare, edit, rename (every use follows), delete (refused while used)."""

import json

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from story_admin.exceptions import StoryError
from story_admin.services import state
from story_admin.state.engine import Kind

from .access import apply_errors, author_required, editable_story


# The kinds of variable in the author's words (the stored value stays the engine's own).
KIND_NAMES = {"number": gettext_lazy("number"), "flag": gettext_lazy("flag"), "text": gettext_lazy("text")}


class VariableForm(forms.Form):
    name = forms.CharField(
        max_length=60,
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("Letters, digits and _, e.g. gold or lamp_lit."),
    )
    kind = forms.ChoiceField(
        choices=[(kind.value, KIND_NAMES.get(kind.value, kind.value)) for kind in Kind],
        initial=Kind.NUMBER.value,
        label=gettext_lazy("Kind"),
    )
    initial = forms.CharField(
        required=False, label=gettext_lazy("Starts at"), help_text=gettext_lazy("A number, true/false, or a text.")
    )
    minimum = forms.FloatField(required=False, label=gettext_lazy("Minimum"))
    maximum = forms.FloatField(required=False, label=gettext_lazy("Maximum"))
    visible = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Players see it"))
    description = forms.CharField(required=False, max_length=200, label=gettext_lazy("Description"))

    def declaration(self) -> dict:
        values = dict(self.cleaned_data)
        values["initial"] = _initial(values["initial"], values["kind"])
        return values


class ItemForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("As authors and players read it, e.g. brass key."),
    )
    description = forms.CharField(required=False, max_length=200, label=gettext_lazy("Description"))


def _initial(text: str, kind: str):
    """The typed initial value: the studio's forms send text."""
    text = (text or "").strip()
    if kind == Kind.TEXT:
        return text
    if text == "":
        return None
    if kind == Kind.FLAG:
        return {"true": True, "yes": True, "false": False, "no": False}.get(text.lower(), text)
    try:
        number = json.loads(text)
    except ValueError:
        return text
    return number if isinstance(number, (int, float)) and not isinstance(number, bool) else text


def _page(request, scenario, *, variable_form=None, item_form=None, status=200):
    return render(
        request,
        "studio/state.html",
        {
            "scenario": scenario,
            "variables": scenario.variables or [],
            "items": scenario.items or [],
            "variable_form": variable_form or VariableForm(),
            "item_form": item_form or ItemForm(),
        },
        status=status,
    )


@author_required
def story_state(request, story_id):
    return _page(request, editable_story(request, story_id))


@author_required
@require_POST
def add_variable(request, story_id):
    scenario = editable_story(request, story_id)
    form = VariableForm(request.POST)
    if form.is_valid():
        try:
            variable = state.declare_variable(editor=request.user, scenario=scenario, **form.declaration())
        except StoryError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Variable “%(name)s” declared.") % {"name": variable.name})
            return redirect("studio:state", story_id=scenario.pk)
    return _page(request, scenario, variable_form=form, status=400)


def _then_back(request, scenario, action, *, done, failed: str = ""):
    """Run `action`; say what became of it (`done(result)`, or the refusal) and go back to the page."""
    try:
        result = action()
    except StoryError as error:
        messages.error(request, f"{failed}{error.message}")
    else:
        messages.success(request, done(result))
    return redirect("studio:state", story_id=scenario.pk)


def _changed_variable(request, scenario, name):
    form = VariableForm(request.POST)
    if not form.is_valid():
        raise StoryError(" ".join(" ".join(errors) for errors in form.errors.values()))
    values = form.declaration()
    return state.update_variable(
        editor=request.user, scenario=scenario, name=name, new_name=values.pop("name"), **values
    )


@author_required
@require_POST
def edit_variable(request, story_id, name):
    scenario = editable_story(request, story_id)
    return _then_back(
        request,
        scenario,
        lambda: _changed_variable(request, scenario, name),
        done=lambda variable: _("Variable “%(name)s” saved.") % {"name": variable.name},
        failed=_("“%(name)s” was not changed: ") % {"name": name},
    )


@author_required
@require_POST
def delete_variable(request, story_id, name):
    scenario = editable_story(request, story_id)
    return _then_back(
        request,
        scenario,
        lambda: state.delete_variable(editor=request.user, scenario=scenario, name=name),
        done=lambda deleted: _("Variable “%(name)s” deleted.") % {"name": name},
    )


@author_required
@require_POST
def add_item(request, story_id):
    scenario = editable_story(request, story_id)
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            item = state.declare_item(editor=request.user, scenario=scenario, **form.cleaned_data)
        except StoryError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Item “%(name)s” declared.") % {"name": item["name"]})
            return redirect("studio:state", story_id=scenario.pk)
    return _page(request, scenario, item_form=form, status=400)


@author_required
@require_POST
def edit_item(request, story_id, name):
    scenario = editable_story(request, story_id)
    return _then_back(
        request,
        scenario,
        lambda: state.update_item(
            editor=request.user,
            scenario=scenario,
            name=name,
            new_name=request.POST.get("name"),
            description=request.POST.get("description"),
        ),
        done=lambda item: _("Item “%(name)s” saved.") % {"name": item["name"]},
        failed=_("“%(name)s” was not changed: ") % {"name": name},
    )


@author_required
@require_POST
def delete_item(request, story_id, name):
    scenario = editable_story(request, story_id)
    return _then_back(
        request,
        scenario,
        lambda: state.delete_item(editor=request.user, scenario=scenario, name=name),
        done=lambda deleted: _("Item “%(name)s” deleted.") % {"name": name},
    )


@author_required
@require_POST
def check_text(request, story_id):
    """Live validation of a condition or effects field while the author types: {"ok": true} or the refusal."""
    scenario = editable_story(request, story_id)
    try:
        state.check_state_text(
            scenario=scenario, field=request.POST.get("field", ""), text=request.POST.get("text", "")
        )
    except StoryError as error:
        return JsonResponse({"ok": False, "message": error.message})
    return JsonResponse({"ok": True, "message": ""})
