"""Players' progress in the admin, read-only: authors follow how players move through their stories."""

from django.contrib import admin

from .. import selectors
from ..models import PlayerProgress, Scene
from ..services.progress import progress_percentage
from .base import AuthorOnlyAdmin
from .filters import StoryFilter


class PlayerProgressAdmin(AuthorOnlyAdmin):
    """Read-only: authors follow how players move through their stories."""

    list_display = ["user", "scenario", "current_scene", "percentage", "is_completed", "total_time_spent", "updated_at"]
    list_filter = [StoryFilter, "is_completed"]
    list_select_related = ["user", "scenario", "current_scene"]
    search_fields = ["user__email"]
    readonly_fields = [
        "user",
        "scenario",
        "current_scene",
        "is_completed",
        "completed_at",
        "total_time_spent",
        "percentage",
        "path",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return PlayerProgress.objects.filter(scenario__in=selectors.stories_for_author(request.user).values("pk"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a player deletes their own progress (the reader, the API): their story figures follow

    @admin.display(description="progress")
    def percentage(self, progress):
        return f"{progress_percentage(progress):.0f} %"

    @admin.display(description="Path")
    def path(self, progress):
        titles = dict(Scene.objects.filter(scenario_id=progress.scenario_id).values_list("pk", "title"))
        steps = [titles.get(selectors.parse_object_id(entry.scene_id), "(deleted scene)") for entry in progress.history]
        return " → ".join(steps)
