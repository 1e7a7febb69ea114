"""Password sign-in for every entry point (admin, studio, API), throttled per email."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import login_throttle


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username or kwargs.get("email")
        if not email or password is None:
            return None
        if login_throttle.refusal(email):
            raise PermissionDenied  # stops authenticate(); callers show login_throttle.refusal()
        user = super().authenticate(request, username=email, password=password, **kwargs)
        if user is None:
            login_throttle.record_failure(email)
        else:
            login_throttle.record_success(email)
        return user
