"""Long-lived refresh tokens of the API, stored in MongoDB so they can be revoked.

django-graphql-jwt's own model is keyed by a BigAutoField, which MongoDB cannot use, and its
abstract base cannot be imported without installing that model; this is the same document
shape (`JWT_REFRESH_TOKEN_MODEL` points here) keyed by ObjectId.
"""

import binascii
import os
from calendar import timegm

from django.conf import settings
from django.db import models
from django.utils import timezone
from graphql_jwt.settings import jwt_settings


class RefreshToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refresh_tokens")
    token = models.CharField(max_length=255, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    revoked = models.DateTimeField(null=True, blank=True)
    # Ours: the tokens rotated from one sign-in share a family (revoked together when one is reused),
    # and the account's token version when it was issued (a password change refuses it, as it does JWTs).
    family = models.CharField(max_length=64, null=True, blank=True, editable=False)
    token_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        db_table = "refresh_tokens"
        constraints = [models.UniqueConstraint(fields=["token", "revoked"], name="one_live_refresh_token")]

    def __str__(self):
        return f"Refresh token of {self.user_id}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = binascii.hexlify(os.urandom(jwt_settings.JWT_REFRESH_TOKEN_N_BYTES)).decode()
        if not self.family:
            self.family = self.token
        if self._state.adding and not self.token_version:
            self.token_version = self.user.token_version
        super().save(*args, **kwargs)

    def get_token(self) -> str:
        return self.token

    def is_expired(self, request=None) -> bool:
        return jwt_settings.JWT_REFRESH_EXPIRED_HANDLER(timegm(self.created.timetuple()), request)

    def revoke(self, request=None) -> None:
        self.revoked = timezone.now()
        self.save(update_fields=["revoked"])
