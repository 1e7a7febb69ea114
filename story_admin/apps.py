"""The story domain: users, stories, scenes, choices, assets and players' progress."""

from django.apps import AppConfig


class StoryAdminConfig(AppConfig):
    name = "story_admin"
    verbose_name = "Stories"
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_delete

        from .account_cache import forget_saved_account
        from .analytics.counters import forget_player
        from .models import User

        post_save.connect(forget_saved_account, sender=User, dispatch_uid="forget_saved_account")
        post_delete.connect(forget_saved_account, sender=User, dispatch_uid="forget_deleted_account")
        # However an account is deleted (the service, the admin, a shell), its plays leave the story figures.
        pre_delete.connect(forget_player, sender=User, dispatch_uid="forget_deleted_player")
