"""Password sign-in for every entry point (admin, studio, API), throttled per email and client address; the
session's account read through story_admin.account_cache."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import account_cache, login_throttle


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, attempt=None, **kwargs):
        """`attempt` (a login_throttle.Attempt), when given, learns why a try was refused unchecked."""
        email = username or kwargs.get("email")
        if not email or password is None:
            return None
        address = login_throttle.client_address(request)
        if refusal := login_throttle.claim_attempt(email, address):
            if attempt is not None:
                attempt.refusal = refusal
            raise PermissionDenied  # stops authenticate(): no other backend may check this password
        user = super().authenticate(request, username=email, password=password, **kwargs)
        if user is None:
            login_throttle.record_failure(email, address)
        else:
            login_throttle.record_success(email, address)
        return user

    def get_user(self, user_id):
        """ModelBackend's, reading the account through the account cache."""
        user = account_cache.account(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
