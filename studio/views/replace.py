"""Find and replace across a story: a preview of every occurrence, then one undoable replace."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext

from story_admin.exceptions import StoryError
from story_admin.services import replace

from .access import apply_errors, author_required, editable_story


class ReplaceForm(forms.Form):
    find = forms.CharField(max_length=200, strip=False, label=gettext_lazy("Find"))
    replacement = forms.CharField(max_length=200, required=False, strip=False, label=gettext_lazy("Replace with"))
    case_sensitive = forms.BooleanField(required=False, label=gettext_lazy("Match case"))


@author_required
def find_and_replace(request, story_id):
    """GET with `find` previews; POST (with the preview's token) replaces and goes back to the map."""
    scenario = editable_story(request, story_id)
    data = request.POST if request.method == "POST" else (request.GET if "find" in request.GET else None)
    form = ReplaceForm(data)
    context, status = {"scenario": scenario, "form": form}, 200
    if form.is_valid():
        values = form.cleaned_data
        try:
            if request.method == "POST":
                count = replace.replace_all(
                    editor=request.user, scenario=scenario, token=request.POST.get("token", ""), **values
                )
                messages.success(
                    request,
                    ngettext(
                        "Replaced %(count)s occurrence of “%(find)s”. Undo takes it back in one step.",
                        "Replaced %(count)s occurrences of “%(find)s”. Undo takes it back in one step.",
                        count,
                    )
                    % {"count": count, "find": values["find"]},
                )
                return redirect("studio:story", story_id=scenario.pk)
            context["preview"] = replace.preview_replace(
                editor=request.user, scenario=scenario, find=values["find"], case_sensitive=values["case_sensitive"]
            )
        except StoryError as error:
            apply_errors(form, error)
            status = 400
            if request.method == "POST":
                context["preview"] = replace.preview_replace(
                    editor=request.user, scenario=scenario, find=values["find"], case_sensitive=values["case_sensitive"]
                )
    elif data is not None:
        status = 400
    return render(request, "studio/replace.html", context, status=status)
