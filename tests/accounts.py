"""The changes that must end an account's access at its very next request, and whether Redis keeps an account."""

import redis

from story_admin.account_cache import KEY
from story_admin.models import User
from story_admin.services.users import revoke_tokens

NEW_PASSWORD = "Another-long-password-9"


# Each change is made on the account as stored, as another device, the admin or the reading site would.


def change_password(user):
    stored = User.objects.get(pk=user.pk)
    stored.set_password(NEW_PASSWORD)
    stored.save()


def sign_out_everywhere(user):
    revoke_tokens(user=User.objects.get(pk=user.pk))  # an update(): no post_save


def deactivate(user):
    stored = User.objects.get(pk=user.pk)
    stored.is_active = False
    stored.save()


def delete(user):
    User.objects.get(pk=user.pk).delete()


REVOCATIONS = {
    "password change": change_password,
    "sign out everywhere": sign_out_everywhere,
    "deactivation": deactivate,
    "deletion": delete,
}


def kept(redis_url: str, user) -> bool:
    """Whether the account cache keeps this account in that Redis now."""
    return bool(redis.Redis.from_url(redis_url).exists(KEY.format(pk=user.pk)))
