"""The dashboard: an author's stories as cards; create, duplicate, delete, import."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from generation.languages import NARRATION_LANGUAGES
from story_admin import selectors
from story_admin.services.stories import create_scenario, delete_scenario
from story_admin.exceptions import StoryError
from story_admin.services.copies import duplicate_scenario
from story_admin.services.interchange import import_story_file

from .access import apply_errors, author_required, editable_story


class StoryForm(forms.Form):
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=gettext_lazy("Description")
    )
    language = forms.ChoiceField(
        choices=NARRATION_LANGUAGES,
        initial="fr",
        label=gettext_lazy("Language"),
        help_text=gettext_lazy("The language narration reads the story in."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("A Twee file (.twee, .tw), a Twine 2 HTML file or archive, or a backup (.zip)."),
    )


def _page(request, form=None, import_form=None, status=200):
    stories = list(selectors.stories_for_author(request.user).select_related("author"))
    summaries = selectors.summarize_stories(stories)
    cards = [(story, summaries[story.pk]) for story in stories]
    return render(
        request,
        "studio/dashboard.html",
        {
            "cards": cards,
            "form": form or StoryForm(),
            "import_form": import_form or ImportForm(),
        },
        status=status,
    )


@author_required
def dashboard(request):
    return _page(request)


@author_required
@require_POST
def create_story(request):
    form = StoryForm(request.POST)
    if form.is_valid():
        try:
            story = create_scenario(author=request.user, **form.cleaned_data)
        except StoryError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” created: add its first scene.") % {"title": story.title})
            return redirect("studio:story", story_id=story.pk)
    return _page(request, form=form, status=400)


@author_required
@require_POST
def duplicate_story(request, story_id):
    copy = duplicate_scenario(editor=request.user, scenario=editable_story(request, story_id))
    messages.success(request, _("Duplicated as “%(title)s”.") % {"title": copy.title})
    return redirect("studio:dashboard")


@author_required
def delete_story(request, story_id):
    story = editable_story(request, story_id)
    if request.method == "POST":
        delete_scenario(editor=request.user, scenario=story)
        messages.success(
            request,
            _("“%(title)s” deleted with its scenes, choices, media and players' progress.") % {"title": story.title},
        )
        return redirect("studio:dashboard")
    return render(
        request,
        "studio/confirm_delete.html",
        {"story": story, "summary": selectors.summarize_stories([story])[story.pk]},
    )


@author_required
@require_POST
def import_story(request):
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            reports = import_story_file(author=request.user, filename=upload.name, data=upload.read())
        except StoryError as error:
            form.add_error("file", error.message)
        else:
            for report in reports:
                messages.success(request, _("Imported %(summary)s") % {"summary": report.summary})
            return redirect("studio:dashboard")
    return _page(request, import_form=form, status=400)
