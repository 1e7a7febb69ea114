"""The admin site, titled for authors, signing in through the same service as the studio and the API."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from .exceptions import StoryRuleError
from .services.users import sign_in


class AdminSignInForm(AdminAuthenticationForm):
    """Says why a sign-in was refused (a wrong password, or the throttle's wait) as the studio does."""

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = sign_in(request=self.request, email=email, password=password)
            except StoryRuleError as refusal:
                raise ValidationError(refusal.message, code="invalid_login") from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class StoryAdminSite(admin.AdminSite):
    site_header = "Story Studio admin"
    site_title = "Story Studio"
    index_title = "Your stories"
    login_form = AdminSignInForm
