"""JWT authentication for GraphQL: `Authorization: JWT <token>`, and the tokens it accepts.

django-graphql-jwt issues and checks the tokens through the handlers below (settings.GRAPHQL_JWT):
a token names its account by id and carries the account's token version, so a password or email
change, or "sign out everywhere", refuses every token issued before; `exp` and `origIat` are
required. The email stays in the payload for the clients that read it, never to find the account.
"""

import logging
import time

import jwt
from bson import ObjectId
from bson.errors import InvalidId
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone
from graphql_jwt.exceptions import JSONWebTokenError
from graphql_jwt.settings import jwt_settings
from graphql_jwt.shortcuts import get_token, get_user_by_token

from story_admin import account_cache
from story_admin.services import users as user_services

from .errors import unauthenticated
from .models import RefreshToken

logger = logging.getLogger(__name__)

REQUIRED_CLAIMS = ["exp", "origIat"]
INVALID_REFRESH_TOKEN = "Invalid refresh token"


# django-graphql-jwt's handlers


def jwt_payload(user, context=None) -> dict:
    now = int(time.time())
    return {
        "sub": str(user.pk),
        "tokenVersion": user.token_version,
        "email": user.email,
        "exp": now + int(jwt_settings.JWT_EXPIRATION_DELTA.total_seconds()),
        "origIat": now,
    }


def jwt_decode(token, context=None) -> dict:
    """django-graphql-jwt's decoding, refusing a token without `exp` or `origIat` (one that never expires)."""
    return jwt.decode(
        token,
        jwt_settings.JWT_PUBLIC_KEY or jwt_settings.JWT_SECRET_KEY,
        options={"verify_exp": True, "verify_signature": True, "require": REQUIRED_CLAIMS},
        leeway=jwt_settings.JWT_LEEWAY,
        algorithms=[jwt_settings.JWT_ALGORITHM],
    )


def token_subject(payload: dict) -> tuple[str, int] | None:
    """The account id and token version a token names; None (refused) for tokens of the old email-only shape."""
    subject, version = payload.get("sub"), payload.get("tokenVersion")
    if not isinstance(subject, str) or not isinstance(version, int) or isinstance(version, bool):
        return None
    return subject, version


def user_of_token(subject: tuple[str, int]):
    """The account of a token's subject, if the token was issued since its last version change."""
    user_id, version = subject
    try:
        pk = ObjectId(user_id)
    except (InvalidId, TypeError):
        return None
    user = account_cache.account(pk)
    if user is None or user.token_version != version:
        return None
    return user


# Reading the request


def token_from_header(request) -> str | None:
    header = request.META.get(jwt_settings.JWT_AUTH_HEADER_NAME, "")
    prefix, _, token = header.partition(" ")
    if prefix == jwt_settings.JWT_AUTH_HEADER_PREFIX and token.strip():
        return token.strip()
    return None


def authenticate_request(request) -> None:
    """Set `request.user` from the token once per request; a bad token leaves an anonymous user."""
    if getattr(request, "_jwt_checked", False):
        return
    request._jwt_checked = True
    token = token_from_header(request)
    if token is None:
        return
    try:
        user = get_user_by_token(token, request)
    except JSONWebTokenError as error:
        logger.info("Refused a JWT: %s", error)
        request.user = AnonymousUser()
        return
    if user is None:
        logger.info("Refused a JWT: its account is gone or signed out since")
    request.user = user if user is not None and user.is_active else AnonymousUser()


def current_user(info):
    return getattr(info.context, "user", None) or AnonymousUser()


def require_user(info):
    """The signed-in user, or the contract's `Authentication required` error."""
    user = current_user(info)
    if not user.is_authenticated:
        raise unauthenticated()
    return user


# Issuing, rotating and revoking tokens


def issue_refresh_token(user, *, family: str | None = None) -> RefreshToken:
    return RefreshToken.objects.create(user=user, family=family, token_version=user.token_version)


def rotate_refresh_token(value: str, request=None) -> tuple[object, RefreshToken]:
    """Spend a refresh token for its account and a new one of the same family.

    Spending is a compare-and-swap on the token's document (only a live token is marked revoked),
    so of two parallel exchanges exactly one wins. A token used again (the loser of a race, or a
    stolen copy of a spent one) revokes its whole family, as OAuth advises on reuse.
    """
    stored = RefreshToken.objects.filter(token=value).first()
    if stored is None:
        raise JSONWebTokenError(INVALID_REFRESH_TOKEN)
    if stored.revoked is not None:
        _revoke_family(stored, reason="a spent or revoked refresh token was used again")
        raise JSONWebTokenError(INVALID_REFRESH_TOKEN)
    if stored.is_expired(request):
        raise JSONWebTokenError("Refresh token is expired")
    user = stored.user
    if not user.is_active or stored.token_version != user.token_version:
        raise JSONWebTokenError(INVALID_REFRESH_TOKEN)
    # The successor exists before the swap, so whichever exchange loses it finds it and revokes it too.
    successor = issue_refresh_token(user, family=stored.family or stored.token)
    spent = RefreshToken.objects.filter(pk=stored.pk, revoked__isnull=True).update(revoked=timezone.now())
    if not spent:
        _revoke_family(stored, reason="two exchanges of one refresh token raced")
        raise JSONWebTokenError(INVALID_REFRESH_TOKEN)
    return user, successor


def _revoke_family(stored: RefreshToken, *, reason: str) -> None:
    family = Q(family=stored.family or stored.token) | Q(pk=stored.pk)
    revoked = RefreshToken.objects.filter(family, revoked__isnull=True).update(revoked=timezone.now())
    logger.warning("Refresh token family of account %s revoked (%d live tokens): %s", stored.user_id, revoked, reason)


def new_access_token(user, request=None, **claims) -> str:
    return get_token(user, request, **claims)


def sign_out_everywhere(user) -> None:
    """Refuse every token of this account issued until now: JWTs (token version) and refresh tokens."""
    user_services.revoke_tokens(user=user)
    RefreshToken.objects.filter(user=user, revoked__isnull=True).update(revoked=timezone.now())
