"""Media in the admin, with previews."""

from django.contrib import admin
from django.db.models import Q

from .. import selectors
from ..services.assets import can_edit_asset, delete_asset, register_asset, update_asset
from ..models import Asset
from ..services.assets import check_asset_values
from .base import AuthorOnlyAdmin
from .forms import ServiceCheckedForm
from .previews import asset_preview


class AssetForm(ServiceCheckedForm):
    class Meta:
        model = Asset
        fields = ["type", "name", "filename", "url", "mime_type", "file_size", "metadata", "is_public", "scenario"]

    domain_check = staticmethod(check_asset_values)


class AssetAdmin(AuthorOnlyAdmin):
    form = AssetForm
    list_display = ["thumbnail", "name", "type", "status", "scenario", "uploaded_by", "created_at"]
    list_display_links = ["name"]
    list_filter = ["type", "status", "is_public"]
    search_fields = ["name", "filename", "prompt"]
    readonly_fields = [
        "preview",
        "status",
        "error",
        "provider",
        "model",
        "prompt",
        "duration",
        "width",
        "height",
        "uploaded_by",
    ]

    def get_queryset(self, request):
        if request.user.is_superuser:
            return Asset.objects.all()
        own_stories = selectors.stories_for_author(request.user).values("pk")
        return Asset.objects.filter(Q(uploaded_by=request.user) | Q(scenario__in=own_stories))

    def can_edit(self, user, obj):
        return can_edit_asset(user, obj)

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
            update_asset(editor=request.user, asset=obj, **data)
        else:
            created = register_asset(owner=request.user, **data)
            obj.pk = created.pk
            obj._state.adding = False

    def delete_model(self, request, obj):
        delete_asset(editor=request.user, asset=obj)
