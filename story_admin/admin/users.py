"""Accounts in the admin, for superusers only; adding one goes through the user service."""

from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_mongodb_backend import transaction

from ..models import User
from ..services.users import register_user
from .base import SAFE_METHODS, MongoTransactionAdmin


class UserCreationForm(AdminUserCreationForm):
    # Every account added here signs in with its password (the service refuses an empty one).
    usable_password = None

    class Meta:
        model = User
        fields = ["email", "role"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


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

    @method_decorator([sensitive_post_parameters(), csrf_protect])
    def add_view(self, request, form_url="", extra_context=None):
        """Django's UserAdmin wraps this in Django's `transaction.atomic`, which then forbids the backend's commit
        (see MongoTransactionAdmin): the backend's is used instead (the one `changeform_view` opens nests in it)."""
        if request.method in SAFE_METHODS:
            return self._add_view(request, form_url, extra_context)
        with transaction.atomic():
            return self._add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = register_user(
            creator=request.user,
            email=obj.email,
            password=form.cleaned_data["password1"],
            role=obj.role,
            first_name=obj.first_name,
            last_name=obj.last_name,
        )
        obj.pk, obj.password = created.pk, created.password
        obj._state.adding = False

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
