"""What every admin of the stories shares: the backend's transaction around writes, and author permissions."""

from django.contrib import admin
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect
from django_mongodb_backend import transaction

from ..permissions import can_edit_story, is_author

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class MongoTransactionAdmin(admin.ModelAdmin):
    """Wrap admin writes in the backend's transaction instead of Django's.

    Django's `transaction.atomic` does nothing on MongoDB yet marks the connection as inside
    a block, which then forbids the backend's own commit used by our services.
    """

    @method_decorator(csrf_protect)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method in SAFE_METHODS:
            return self._changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            return self._changeform_view(request, object_id, form_url, extra_context)

    @method_decorator(csrf_protect)
    def delete_view(self, request, object_id, extra_context=None):
        if request.method in SAFE_METHODS:
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
