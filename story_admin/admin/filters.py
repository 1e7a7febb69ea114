"""List filters shared by the admins of scenes, choices and progress."""

from django.contrib import admin

from .. import selectors


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
