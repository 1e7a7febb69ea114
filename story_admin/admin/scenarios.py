"""Stories in the admin: their scenes listed inline and a "Story problems" panel linking to scenes."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .. import selectors
from ..services.stories import check_scenario, create_scenario, delete_scenario, update_scenario
from ..models import Scenario, Scene
from ..permissions import can_edit_story
from ..validation import story_problems
from .base import AuthorInlinePermissions, AuthorOnlyAdmin
from .forms import ServiceCheckedForm


class ScenarioForm(ServiceCheckedForm):
    class Meta:
        model = Scenario
        fields = ["title", "description", "language", "tags", "is_published", "allow_back"]

    def domain_check(self, scenario):
        # Ticking "published" here is a deliberate publish (strict); keeping it ticked is not.
        check_scenario(scenario, publishing=scenario.is_published and not self.initial.get("is_published"))


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


class ScenarioAdmin(AuthorOnlyAdmin):
    form = ScenarioForm
    list_display = [
        "title",
        "author",
        "is_published",
        "scene_count",
        "ending_count",
        "problem_count",
        "language",
        "updated_at",
    ]
    list_filter = ["is_published", "language"]
    search_fields = ["title", "description", "slug"]
    readonly_fields = ["slug", "author", "problems", "players", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "language", "tags", "is_published", "allow_back"]}),
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
        return format_html(
            '<a href="{}">Completion, endings, where players stopped, choices taken</a>',
            reverse("studio:players", args=[scenario.pk]),
        )

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
                "",
                "<li>{}</li>",
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
            update_scenario(editor=request.user, scenario=obj, **fields)
        else:
            created = create_scenario(author=request.user, **fields)
            obj.pk, obj.slug, obj.author = created.pk, created.slug, created.author
            obj._state.adding = False

    def delete_model(self, request, obj):
        delete_scenario(editor=request.user, scenario=obj)
