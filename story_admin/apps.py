"""The story domain: users, stories, scenes, choices, assets and players' progress."""

from django.apps import AppConfig


class StoryAdminConfig(AppConfig):
    name = "story_admin"
    verbose_name = "Stories"
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
