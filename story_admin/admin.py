"""The Django admin, tuned for authors: every write goes through `story_admin.services`."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect
from django_mongodb_backend import transaction
from django.utils.html import format_html, format_html_join

from . import selectors, services
from .exceptions import StoryError
from .models import Asset, AssetType, Choice, PlayerProgress, Scenario, Scene, User
from .permissions import can_edit_story, is_author
from .services.assets import check_asset_values, web_address
from .services.progress import progress_percentage
from .services.state import state_changes
from .state.schema import SceneNames
from .validation import story_problems


def _raise_as_validation_error(form, error: StoryError):
    """Show a domain refusal next to the fields it names (or at the top of the form)."""
    field_errors = {name: messages_ for name, messages_ in error.field_errors.items() if name in form.fields}
    if field_errors:
        for name, messages_ in field_errors.items():
            form.add_error(name, messages_)
    else:
        form.add_error(None, error.message)


class ServiceCheckedForm(forms.ModelForm):
    """A model form that asks the domain's `check` function before it accepts the instance."""

    domain_check = None

    def _post_clean(self):
        super()._post_clean()
        if self.errors or self.domain_check is None:
            return
        try:
            self.domain_check(self.instance)
        except StoryError as error:
            _raise_as_validation_error(self, error)


class StateTextForm(ServiceCheckedForm):
    """Conditions and effects as authors write them (`gold >= 10 and has("lantern")`, `stamina -= 2`): shown
    in that form and parsed, checked against the story's variables, by the studio's and the API's service."""

    STATE_TEXT = {"condition_text": "condition", "effects_text": "effects"}
    state_text_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parsed_state = {}
        scenario = self._scenario()
        if scenario is None:
            return
        names = SceneNames(selectors.load_story(scenario))
        for name in self.state_text_fields:
            stored = getattr(self.instance, self.STATE_TEXT[name])
            readable = names.condition(stored or {}) if name == "condition_text" else names.effects(stored or [])
            # A stored document outside the language (old data) is kept unless the author types a new one.
            self.fields[name].initial = readable if readable is not None else ""
            if readable is None:
                self.fields[name].help_text = "The stored form is not in the condition language; type one to replace it."

    def _scenario(self):
        if self.instance.pk:
            return self.instance.scenario
        return None

    def clean(self):
        cleaned = super().clean()
        scenario = self._scenario() or self._new_scenario(cleaned)
        changed = {name: cleaned.get(name, "") for name in self.state_text_fields if name in self.changed_data}
        if scenario is not None and changed:
            try:
                self.parsed_state = {key: value for key, value in state_changes(scenario, changed).items()
                                     if key in ("condition", "effects")}
            except StoryError as error:
                _raise_as_validation_error(self, error)
        return cleaned

    def _new_scenario(self, cleaned):
        return None


class MongoTransactionAdmin(admin.ModelAdmin):
    """Wrap admin writes in the backend's transaction instead of Django's.

    Django's `transaction.atomic` does nothing on MongoDB yet marks the connection as inside
    a block, which then forbids the backend's own commit used by our services.
    """

    @method_decorator(csrf_protect)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return self._changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            return self._changeform_view(request, object_id, form_url, extra_context)

    @method_decorator(csrf_protect)
    def delete_view(self, request, object_id, extra_context=None):
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return self._delete_view(request, object_id, extra_context)
        with transaction.atomic():
            return self._delete_view(request, object_id, extra_context)


class AuthorOnlyAdmin(MongoTransactionAdmin):
    """Authors see and change only their own stories' documents; superusers everything."""

    def has_module_permission(self, request):
        return is_author(request.user)

    def has_view_permission(self, request, obj=None):
        return is_author(request.user) and (obj is None or self.can_edit(request.user, obj))

    def has_add_permission(self, request):
        return is_author(request.user)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def can_edit(self, user, obj) -> bool:
        return can_edit_story(user, obj.scenario)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class AuthorInlinePermissions:
    """Inline permissions follow the parent document: its story's author may edit them."""

    def _allowed(self, request, obj) -> bool:
        story = getattr(obj, "scenario", obj)
        return is_author(request.user) and (story is None or can_edit_story(request.user, story))

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)


# Stories -----------------------------------------------------------------

class ScenarioForm(ServiceCheckedForm):
    class Meta:
        model = Scenario
        fields = ["title", "description", "language", "tags", "is_published"]

    def domain_check(self, scenario):
        # Ticking "published" here is a deliberate publish (strict); keeping it ticked is not.
        services.check_scenario(scenario, publishing=scenario.is_published and not self.initial.get("is_published"))


class SceneInline(AuthorInlinePermissions, admin.TabularInline):
    model = Scene
    fields = ["title", "order", "is_start_scene", "is_end_scene", "ending_kind"]
    readonly_fields = fields
    show_change_link = True
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StoryChangeList(ChangeList):
    """Summaries (scene count, endings, problems) for the whole page in two queries."""

    def get_results(self, request):
        super().get_results(request)
        summaries = selectors.summarize_stories(list(self.result_list))
        for scenario in self.result_list:
            scenario.summary = summaries[scenario.pk]


@admin.register(Scenario)
class ScenarioAdmin(AuthorOnlyAdmin):
    form = ScenarioForm
    list_display = ["title", "author", "is_published", "scene_count", "ending_count", "problem_count", "language",
                    "updated_at"]
    list_filter = ["is_published", "language"]
    search_fields = ["title", "description", "slug"]
    readonly_fields = ["slug", "author", "problems", "players", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "language", "tags", "is_published"]}),
        ("Problems", {"fields": ["problems"]}),
        ("Players", {"fields": ["players"]}),
        ("About", {"fields": ["author", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [SceneInline]

    def can_edit(self, user, obj):
        return can_edit_story(user, obj)

    def get_queryset(self, request):
        return selectors.stories_for_author(request.user).select_related("author")

    def get_list_filter(self, request):
        return [*self.list_filter, "author"] if request.user.is_superuser else self.list_filter

    def get_changelist(self, request, **kwargs):
        return StoryChangeList

    @admin.display(description="scenes")
    def scene_count(self, scenario):
        return scenario.summary.scene_count

    @admin.display(description="endings")
    def ending_count(self, scenario):
        return scenario.summary.ending_count

    @admin.display(description="problems")
    def problem_count(self, scenario):
        return scenario.summary.problem_count or "—"

    @admin.display(description="What players did")
    def players(self, scenario):
        if scenario.pk is None:
            return "—"
        return format_html('<a href="{}">Completion, endings, where players stopped, choices taken</a>',
                           reverse("studio:players", args=[scenario.pk]))

    @admin.display(description="Story problems")
    def problems(self, scenario):
        if scenario.pk is None:
            return "Add scenes once the story is saved."
        problems = story_problems(selectors.load_story(scenario))
        if not problems:
            return "None: every scene can be reached and every path ends."
        return format_html(
            "<ul class='story-problems'>{}</ul>",
            format_html_join(
                "", "<li>{}</li>",
                ((self._problem_html(problem),) for problem in problems),
            ),
        )

    @staticmethod
    def _problem_html(problem):
        if problem.scene_id is None:
            return problem.message
        url = reverse("admin:story_admin_scene_change", args=[problem.scene_id])
        return format_html('{} <a href="{}">Open the scene</a>', problem.message, url)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ScenarioForm.Meta.fields}
        if change:
            services.update_scenario(editor=request.user, scenario=obj, **fields)
        else:
            created = services.create_scenario(author=request.user, **fields)
            obj.pk, obj.slug, obj.author = created.pk, created.slug, created.author
            obj._state.adding = False

    def delete_model(self, request, obj):
        services.delete_scenario(editor=request.user, scenario=obj)


# Scenes ------------------------------------------------------------------

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
                services.check_choice(choice)
            except StoryError as error:
                _raise_as_validation_error(form, error)


class ChoiceInline(AuthorInlinePermissions, admin.TabularInline):
    model = Choice
    fk_name = "from_scene"
    formset = ChoiceInlineFormSet
    fields = ["text", "to_scene", "order", "condition"]
    extra = 1


UPLOAD_FIELDS = {"upload_image": "image", "upload_narration": "sound", "upload_music": "music"}


class SceneForm(StateTextForm):
    effects_text = forms.CharField(label="Effects on arriving", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text="One per line, e.g. stamina -= 2, luck_roll = 2d6, gain(\"lantern\").")
    state_text_fields = ("effects_text",)

    def _new_scenario(self, cleaned):
        return cleaned.get("scenario")

    upload_image = forms.FileField(required=False, help_text="PNG, JPEG, WebP or GIF; replaces the image.")
    upload_narration = forms.FileField(required=False, help_text="MP3, WAV, OGG, FLAC or M4A; replaces the narration.")
    upload_music = forms.FileField(required=False, help_text="MP3, WAV, OGG, FLAC or M4A; replaces the music.")

    class Meta:
        model = Scene
        fields = ["scenario", "title", "text", "order", "is_start_scene", "is_end_scene", "ending_kind",
                  "position_x", "position_y", "image", "sound", "music"]

    domain_check = staticmethod(services.check_scene)

    def clean(self):
        from generation.media_files import inspect_media

        cleaned = super().clean()
        for field, kind in UPLOAD_FIELDS.items():
            upload = cleaned.get(field)
            if upload:
                try:
                    inspect_media(upload.read(), expected="image" if kind == "image" else "audio")
                except StoryError as error:
                    self.add_error(field, error.message)
                upload.seek(0)
        return cleaned


class StoryFilter(admin.SimpleListFilter):
    title = "story"
    parameter_name = "story"

    def lookups(self, request, model_admin):
        return [(str(story.pk), story.title) for story in selectors.stories_for_author(request.user).order_by("title")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(scenario_id=selectors.parse_object_id(self.value(), what="story"))
        return queryset


class EndingFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("start", "Start scene"), ("ending", "Ending"), ("passage", "Passage")]

    def queryset(self, request, queryset):
        return {
            "start": queryset.filter(is_start_scene=True),
            "ending": queryset.filter(is_end_scene=True),
            "passage": queryset.filter(is_start_scene=False, is_end_scene=False),
        }.get(self.value(), queryset)


@admin.register(Scene)
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
        ("Media", {"fields": ["image", "sound", "music", "media_preview", "upload_image", "upload_narration",
                              "upload_music"]}),
        ("Map", {"fields": ["position_x", "position_y"], "classes": ["collapse"]}),
    ]
    readonly_fields = ["media_preview"]

    actions = ["regenerate_image", "regenerate_narration", "regenerate_music"]

    def get_queryset(self, request):
        return Scene.objects.filter(scenario__in=selectors.stories_for_author(request.user).values("pk"))

    def _regenerate(self, request, scenes, kind):
        from generation.services import request_generation

        queued = 0
        for scene in scenes.select_related("scenario"):
            try:
                request_generation(requester=request.user, kind=kind, scene=scene)
                queued += 1
            except StoryError as error:
                self.message_user(request, f"“{scene.title}”: {error.message}", messages.ERROR)
        if queued:
            label = {"image": "Image", "sound": "Narration", "music": "Music"}[kind]
            self.message_user(request, f"{label} queued for {queued} scene{'s' if queued > 1 else ''}; "
                                       "each scene keeps its current media until the new one is ready.")

    @admin.action(description="Regenerate media: image")
    def regenerate_image(self, request, queryset):
        self._regenerate(request, queryset, "image")

    @admin.action(description="Regenerate media: narration")
    def regenerate_narration(self, request, queryset):
        self._regenerate(request, queryset, "sound")

    @admin.action(description="Regenerate media: music")
    def regenerate_music(self, request, queryset):
        self._regenerate(request, queryset, "music")

    def get_readonly_fields(self, request, obj=None):
        # A scene stays in its story: moving it would break the choices on both sides.
        return [*self.readonly_fields, "scenario"] if obj else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "scenario":
            kwargs["queryset"] = selectors.stories_for_author(request.user)
        elif db_field.name in ("image", "sound", "music"):
            allowed_types = {"image": [AssetType.IMAGE], "sound": [AssetType.SOUND],
                             "music": [AssetType.MUSIC, AssetType.SOUND]}[db_field.name]
            visible = Q(uploaded_by=request.user) | Q(is_public=True)
            kwargs["queryset"] = Asset.objects.filter(type__in=allowed_types).filter(
                Q() if request.user.is_superuser else visible
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Preview")
    def media_preview(self, scene):
        return format_html_join(
            "", "<div>{}</div>", ((asset_preview(asset),) for asset in (scene.image, scene.sound, scene.music) if asset)
        ) or "No media yet."

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in SceneForm.Meta.fields if name in form.cleaned_data}
        fields.pop("scenario", None)
        fields.update(form.parsed_state)
        if change:
            services.update_scene(editor=request.user, scene=obj, **fields)
        else:
            created = services.create_scene(editor=request.user, scenario=form.cleaned_data["scenario"], **fields)
            obj.pk = created.pk
            obj._state.adding = False
        self._attach_uploads(request, obj, form)

    def _attach_uploads(self, request, scene, form):
        """Store uploads once the admin's transaction has committed (files go to GridFS, outside it)."""
        from generation.uploads import attach_upload

        def attach(kind, upload):
            try:
                attach_upload(editor=request.user, scene=Scene.objects.select_related("scenario").get(pk=scene.pk),
                              kind=kind, filename=upload.name, data=upload.read())
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
                services.delete_choice(editor=request.user, choice=deleted.instance)
                formset.deleted_objects.append(deleted.instance)
        for choice_form in formset.forms:
            if choice_form in formset.deleted_forms or not choice_form.has_changed():
                continue
            data = {name: choice_form.cleaned_data[name] for name in ("text", "to_scene", "order", "condition")}
            if choice_form.instance.pk:
                choice = services.update_choice(editor=request.user, choice=choice_form.instance, **data)
                formset.changed_objects.append((choice, choice_form.changed_data))
            else:
                choice = services.create_choice(editor=request.user, from_scene=scene, **data)
                formset.new_objects.append(choice)

    def delete_model(self, request, obj):
        services.delete_scene(editor=request.user, scene=obj)

    def response_change(self, request, obj):
        problems = [p for p in story_problems(selectors.load_story(obj.scenario)) if p.scene_id == obj.pk]
        for problem in problems:
            messages.warning(request, problem.message)
        return super().response_change(request, obj)


# Choices -----------------------------------------------------------------

class ChoiceForm(StateTextForm):
    condition_text = forms.CharField(label="Condition", required=False,
                                     help_text='Empty: always offered. E.g. gold >= 10 and has("lantern").')
    effects_text = forms.CharField(label="Effects when taken", required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}), help_text="One per line, e.g. gold -= 10.")
    state_text_fields = ("condition_text", "effects_text")

    class Meta:
        model = Choice
        fields = ["from_scene", "to_scene", "text", "order", "locked_reason"]

    def _new_scenario(self, cleaned):
        from_scene = cleaned.get("from_scene")
        return from_scene.scenario if from_scene else None

    domain_check = staticmethod(services.check_choice)

    def _post_clean(self):
        if self.instance.from_scene_id:
            self.instance.scenario_id = self.instance.from_scene.scenario_id
        super()._post_clean()


@admin.register(Choice)
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
            services.update_choice(editor=request.user, choice=obj, **data)
        else:
            created = services.create_choice(editor=request.user, from_scene=form.cleaned_data["from_scene"], **data)
            obj.pk = created.pk
            obj._state.adding = False

    def delete_model(self, request, obj):
        services.delete_choice(editor=request.user, choice=obj)


# Assets ------------------------------------------------------------------

def asset_preview(asset: Asset):
    source = asset.file.url if asset.file else web_address(asset)
    if not source:
        return format_html("<em>{} ({})</em>", asset.name, asset.get_status_display())
    if asset.type == AssetType.IMAGE:
        return format_html('<img src="{}" alt="{}" style="max-width:240px;max-height:160px">', source, asset.name)
    if asset.type in (AssetType.SOUND, AssetType.MUSIC):
        return format_html('<audio controls preload="none" src="{}" title="{}"></audio>', source, asset.name)
    return format_html('<a href="{}">{}</a>', source, asset.name)


class AssetForm(ServiceCheckedForm):
    class Meta:
        model = Asset
        fields = ["type", "name", "filename", "url", "mime_type", "file_size", "metadata", "is_public", "scenario"]

    domain_check = staticmethod(check_asset_values)


@admin.register(Asset)
class AssetAdmin(AuthorOnlyAdmin):
    form = AssetForm
    list_display = ["thumbnail", "name", "type", "status", "scenario", "uploaded_by", "created_at"]
    list_display_links = ["name"]
    list_filter = ["type", "status", "is_public"]
    search_fields = ["name", "filename", "prompt"]
    readonly_fields = ["preview", "status", "error", "provider", "model", "prompt", "duration", "width", "height",
                       "uploaded_by"]

    def get_queryset(self, request):
        if request.user.is_superuser:
            return Asset.objects.all()
        own_stories = selectors.stories_for_author(request.user).values("pk")
        return Asset.objects.filter(Q(uploaded_by=request.user) | Q(scenario__in=own_stories))

    def can_edit(self, user, obj):
        return services.can_edit_asset(user, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "scenario":
            kwargs["queryset"] = selectors.stories_for_author(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="")
    def thumbnail(self, asset):
        return asset_preview(asset)

    @admin.display(description="Preview")
    def preview(self, asset):
        return asset_preview(asset)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in AssetForm.Meta.fields}
        if change:
            services.update_asset(editor=request.user, asset=obj, **data)
        else:
            created = services.register_asset(owner=request.user, **data)
            obj.pk = created.pk
            obj._state.adding = False

    def delete_model(self, request, obj):
        services.delete_asset(editor=request.user, asset=obj)


# Progress ----------------------------------------------------------------

@admin.register(PlayerProgress)
class PlayerProgressAdmin(AuthorOnlyAdmin):
    """Read-only: authors follow how players move through their stories."""

    list_display = ["user", "scenario", "current_scene", "percentage", "is_completed", "total_time_spent",
                    "updated_at"]
    list_filter = [StoryFilter, "is_completed"]
    list_select_related = ["user", "scenario", "current_scene"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "scenario", "current_scene", "is_completed", "completed_at", "total_time_spent",
                       "percentage", "path"]
    fields = readonly_fields

    def get_queryset(self, request):
        return PlayerProgress.objects.filter(scenario__in=selectors.stories_for_author(request.user).values("pk"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="progress")
    def percentage(self, progress):
        return f"{progress_percentage(progress):.0f} %"

    @admin.display(description="Path")
    def path(self, progress):
        titles = dict(Scene.objects.filter(scenario_id=progress.scenario_id).values_list("pk", "title"))
        steps = [titles.get(selectors.parse_object_id(entry.scene_id), "(deleted scene)") for entry in progress.history]
        return " → ".join(steps)


# Users -------------------------------------------------------------------

class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "role"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(MongoTransactionAdmin, DjangoUserAdmin):
    """Only superusers manage accounts."""

    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active", "is_superuser", "created_at"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "role"]}),
        ("Access", {"fields": ["is_active", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]})]
    filter_horizontal = []

    def _superuser(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)
