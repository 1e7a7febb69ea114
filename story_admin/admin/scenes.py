"""Scenes in the admin: choices inline (targets in the same story), media previews, uploads and regeneration."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html_join
from django_mongodb_backend import transaction

from generation.services import request_generation
from generation.uploads import attach_upload

from .. import selectors
from ..services.choices import check_choice, create_choice, delete_choice, update_choice
from ..services.scenes import check_scene, create_scene, delete_scene, update_scene
from ..exceptions import StoryError
from ..media_files import inspect_media
from ..models import Asset, Choice, MediaKind, Scene
from ..validation import story_problems
from .base import AuthorInlinePermissions, AuthorOnlyAdmin
from .filters import EndingFilter, StoryFilter
from .forms import StateTextForm, add_story_error
from .previews import asset_preview


class ChoiceInlineFormSet(BaseInlineFormSet):
    """A choice's target is limited to scenes of the same story."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["to_scene"].queryset = Scene.objects.filter(scenario_id=self.instance.scenario_id)
        form.fields["to_scene"].required = True

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or self.can_delete and self._should_delete_form(form) or form.errors:
                continue
            choice = form.instance
            choice.scenario_id = self.instance.scenario_id
            choice.from_scene = self.instance
            try:
                check_choice(choice)
            except StoryError as error:
                add_story_error(form, error)


class ChoiceInline(AuthorInlinePermissions, admin.TabularInline):
    model = Choice
    fk_name = "from_scene"
    formset = ChoiceInlineFormSet
    fields = ["text", "to_scene", "order", "condition"]
    extra = 1


UPLOAD_FIELDS = {
    "upload_image": MediaKind.IMAGE,
    "upload_narration": MediaKind.NARRATION,
    "upload_music": MediaKind.MUSIC,
}


class SceneForm(StateTextForm):
    effects_text = forms.CharField(
        label="Effects on arriving",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='One per line, e.g. stamina -= 2, luck_roll = 2d6, gain("lantern").',
    )
    state_text_fields = ("effects_text",)

    def _new_scenario(self, cleaned):
        return cleaned.get("scenario")

    upload_image = forms.FileField(required=False, help_text="PNG, JPEG, WebP or GIF; replaces the image.")
    upload_narration = forms.FileField(required=False, help_text="MP3, WAV, OGG, FLAC or M4A; replaces the narration.")
    upload_music = forms.FileField(required=False, help_text="MP3, WAV, OGG, FLAC or M4A; replaces the music.")

    class Meta:
        model = Scene
        fields = [
            "scenario",
            "title",
            "text",
            "order",
            "is_start_scene",
            "is_end_scene",
            "ending_kind",
            "position_x",
            "position_y",
            "image",
            "sound",
            "music",
        ]

    domain_check = staticmethod(check_scene)

    def clean(self):
        cleaned = super().clean()
        for field, kind in UPLOAD_FIELDS.items():
            upload = cleaned.get(field)
            if upload:
                try:
                    inspect_media(upload.read(), expected=kind.media)
                except StoryError as error:
                    self.add_error(field, error.message)
                upload.seek(0)
        return cleaned


class SceneAdmin(AuthorOnlyAdmin):
    form = SceneForm
    list_display = ["title", "scenario", "order", "is_start_scene", "is_end_scene", "ending_kind"]
    list_filter = [StoryFilter, EndingFilter, "ending_kind"]
    list_select_related = ["scenario"]
    search_fields = ["title", "text"]
    inlines = [ChoiceInline]
    fieldsets = [
        (None, {"fields": ["scenario", "title", "text", "order"]}),
        ("Story state", {"fields": ["effects_text"]}),
        ("Start and ending", {"fields": ["is_start_scene", "is_end_scene", "ending_kind"]}),
        (
            "Media",
            {
                "fields": [
                    "image",
                    "sound",
                    "music",
                    "media_preview",
                    "upload_image",
                    "upload_narration",
                    "upload_music",
                ]
            },
        ),
        ("Map", {"fields": ["position_x", "position_y"], "classes": ["collapse"]}),
    ]
    readonly_fields = ["media_preview"]

    actions = ["regenerate_image", "regenerate_narration", "regenerate_music"]

    def get_queryset(self, request):
        return Scene.objects.filter(scenario__in=selectors.stories_for_author(request.user).values("pk"))

    def _regenerate(self, request, scenes, kind):
        queued = 0
        for scene in scenes.select_related("scenario"):
            try:
                request_generation(requester=request.user, kind=kind, scene=scene)
                queued += 1
            except StoryError as error:
                self.message_user(request, f"“{scene.title}”: {error.message}", messages.ERROR)
        if queued:
            label = kind.label
            self.message_user(
                request,
                f"{label} queued for {queued} scene{'s' if queued > 1 else ''}; "
                "each scene keeps its current media until the new one is ready.",
            )

    @admin.action(description="Regenerate media: image")
    def regenerate_image(self, request, queryset):
        self._regenerate(request, queryset, MediaKind.IMAGE)

    @admin.action(description="Regenerate media: narration")
    def regenerate_narration(self, request, queryset):
        self._regenerate(request, queryset, MediaKind.NARRATION)

    @admin.action(description="Regenerate media: music")
    def regenerate_music(self, request, queryset):
        self._regenerate(request, queryset, MediaKind.MUSIC)

    def get_readonly_fields(self, request, obj=None):
        # A scene stays in its story: moving it would break the choices on both sides.
        return [*self.readonly_fields, "scenario"] if obj else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "scenario":
            kwargs["queryset"] = selectors.stories_for_author(request.user)
        elif db_field.name in MediaKind.values:
            allowed_types = MediaKind(db_field.name).accepted_types
            visible = Q(uploaded_by=request.user) | Q(is_public=True)
            kwargs["queryset"] = Asset.objects.filter(type__in=allowed_types).filter(
                Q() if request.user.is_superuser else visible
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Preview")
    def media_preview(self, scene):
        return (
            format_html_join(
                "",
                "<div>{}</div>",
                ((asset_preview(asset),) for asset in (scene.image, scene.sound, scene.music) if asset),
            )
            or "No media yet."
        )

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in SceneForm.Meta.fields if name in form.cleaned_data}
        fields.pop("scenario", None)
        fields.update(form.parsed_state)
        if change:
            update_scene(editor=request.user, scene=obj, **fields)
        else:
            created = create_scene(editor=request.user, scenario=form.cleaned_data["scenario"], **fields)
            obj.pk = created.pk
            obj._state.adding = False
        self._attach_uploads(request, obj, form)

    def _attach_uploads(self, request, scene, form):
        """Store uploads once the admin's transaction has committed (files go to GridFS, outside it)."""

        def attach(kind, upload):
            try:
                attach_upload(
                    editor=request.user,
                    scene=Scene.objects.select_related("scenario").get(pk=scene.pk),
                    kind=kind,
                    filename=upload.name,
                    data=upload.read(),
                )
            except StoryError as error:
                messages.error(request, f"{upload.name}: {error.message}")

        for field, kind in UPLOAD_FIELDS.items():
            if upload := form.cleaned_data.get(field):
                transaction.on_commit(lambda kind=kind, upload=upload: attach(kind, upload))

    def save_formset(self, request, form, formset, change):
        """Save the choices inline through the services (the admin's change history stays right)."""
        scene = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                delete_choice(editor=request.user, choice=deleted.instance)
                formset.deleted_objects.append(deleted.instance)
        for choice_form in formset.forms:
            if choice_form in formset.deleted_forms or not choice_form.has_changed():
                continue
            data = {name: choice_form.cleaned_data[name] for name in ("text", "to_scene", "order", "condition")}
            if choice_form.instance.pk:
                choice = update_choice(editor=request.user, choice=choice_form.instance, **data)
                formset.changed_objects.append((choice, choice_form.changed_data))
            else:
                choice = create_choice(editor=request.user, from_scene=scene, **data)
                formset.new_objects.append(choice)

    def delete_model(self, request, obj):
        delete_scene(editor=request.user, scene=obj)

    def response_change(self, request, obj):
        problems = [p for p in story_problems(selectors.load_story(obj.scenario)) if p.scene_id == obj.pk]
        for problem in problems:
            messages.warning(request, problem.message)
        return super().response_change(request, obj)
