"""A story's settings in the studio: title, description, language, tags, going back, cover image, and publishing."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_mongodb_backend import transaction

from generation.languages import language_choices
from generation.uploads import set_cover_upload
from story_admin import selectors
from story_admin.services.stories import update_scenario
from story_admin.exceptions import StoryError

from .access import apply_errors, author_required, editable_story
from .narration import narration_context


class StorySettingsForm(forms.Form):
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=gettext_lazy("Description")
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), help_text=gettext_lazy("The language narration reads the story in.")
    )
    tags = forms.CharField(
        max_length=500, required=False, label=gettext_lazy("Tags"), help_text=gettext_lazy("Separated by commas.")
    )
    allow_back = forms.BooleanField(
        required=False,
        label=gettext_lazy("Players may go back"),
        help_text=gettext_lazy(
            "Off: the reading site shows no Back button and apps cannot go back; every choice is final."
        ),
    )
    cover = forms.FileField(
        required=False,
        label=gettext_lazy("Cover image"),
        help_text=gettext_lazy("PNG, JPEG, WebP or GIF."),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )
    remove_cover = forms.BooleanField(required=False, label=gettext_lazy("Remove the cover"))

    def __init__(self, *args, language: str = "", **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "story_%s")
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices(language)


def _page(request, scenario, form, status=200):
    if not scenario.cover_image_id:
        form.fields.pop("remove_cover", None)
    return render(
        request,
        "studio/story_settings.html",
        {
            "scenario": scenario,
            "form": form,
            "review": selectors.review_publishing(scenario),
            **narration_context(scenario),
        },
        status=status,
    )


@author_required
def story_settings(request, story_id):
    scenario = editable_story(request, story_id)
    if request.method != "POST":
        return _page(
            request,
            scenario,
            StorySettingsForm(
                language=scenario.language,
                initial={
                    "title": scenario.title,
                    "description": scenario.description,
                    "language": scenario.language,
                    "tags": ", ".join(scenario.tags),
                    "allow_back": scenario.allow_back,
                },
            ),
        )
    form = StorySettingsForm(request.POST, request.FILES, language=scenario.language)
    if form.is_valid():
        fields = form.cleaned_data
        try:
            with transaction.atomic():
                update_scenario(
                    editor=request.user,
                    scenario=scenario,
                    title=fields["title"],
                    description=fields["description"],
                    language=fields["language"],
                    tags=fields["tags"],
                    allow_back=fields["allow_back"],
                    **({"cover_image": None} if fields["remove_cover"] else {}),
                )
                if fields["cover"]:
                    set_cover_upload(
                        editor=request.user,
                        scenario=scenario,
                        filename=fields["cover"].name,
                        data=fields["cover"].read(),
                    )
        except StoryError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Story settings saved."))
            return redirect("studio:story_settings", story_id=scenario.pk)
    scenario.refresh_from_db()
    return _page(request, scenario, form, status=400)
