"""Choices in the admin: their condition and effects shown and edited as authors write them."""

from django import forms

from .. import selectors
from ..services.choices import check_choice, create_choice, delete_choice, update_choice
from ..models import Choice, Scene
from .base import AuthorOnlyAdmin
from .filters import StoryFilter
from .forms import StateTextForm


class ChoiceForm(StateTextForm):
    condition_text = forms.CharField(
        label="Condition", required=False, help_text='Empty: always offered. E.g. gold >= 10 and has("lantern").'
    )
    effects_text = forms.CharField(
        label="Effects when taken",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line, e.g. gold -= 10.",
    )
    state_text_fields = ("condition_text", "effects_text")

    class Meta:
        model = Choice
        fields = ["from_scene", "to_scene", "text", "order", "locked_reason"]

    def _new_scenario(self, cleaned):
        from_scene = cleaned.get("from_scene")
        return from_scene.scenario if from_scene else None

    domain_check = staticmethod(check_choice)

    def _post_clean(self):
        if self.instance.from_scene_id:
            self.instance.scenario_id = self.instance.from_scene.scenario_id
        super()._post_clean()


class ChoiceAdmin(AuthorOnlyAdmin):
    form = ChoiceForm
    list_display = ["text", "from_scene", "to_scene", "scenario", "order"]
    list_filter = [StoryFilter]
    list_select_related = ["from_scene", "to_scene", "scenario"]
    search_fields = ["text"]

    def get_queryset(self, request):
        return Choice.objects.filter(scenario__in=selectors.stories_for_author(request.user).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("from_scene", "to_scene"):
            kwargs["queryset"] = Scene.objects.filter(
                scenario__in=selectors.stories_for_author(request.user).values("pk")
            ).select_related("scenario")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ("to_scene", "text", "order", "locked_reason")}
        data.update(form.parsed_state)
        if change:
            update_choice(editor=request.user, choice=obj, **data)
        else:
            created = create_choice(editor=request.user, from_scene=form.cleaned_data["from_scene"], **data)
            obj.pk = created.pk
            obj._state.adding = False

    def delete_model(self, request, obj):
        delete_choice(editor=request.user, choice=obj)
