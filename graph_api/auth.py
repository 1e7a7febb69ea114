"""JWT authentication for GraphQL: `Authorization: JWT <token>`, tokens of django-graphql-jwt."""

import logging

from django.contrib.auth.models import AnonymousUser
from graphql_jwt.exceptions import JSONWebTokenError
from graphql_jwt.settings import jwt_settings
from graphql_jwt.shortcuts import get_user_by_token

from .errors import unauthenticated

logger = logging.getLogger(__name__)


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
    request.user = user if user is not None and user.is_active else AnonymousUser()


class JWTAuthenticationMiddleware:
    """Graphene middleware: authenticate from the header before the first field resolves."""

    def resolve(self, next_, root, info, **kwargs):
        authenticate_request(info.context)
        return next_(root, info, **kwargs)


def current_user(info):
    return getattr(info.context, "user", None) or AnonymousUser()


def require_user(info):
    """The signed-in user, or the contract's `Authentication required` error."""
    user = current_user(info)
    if not user.is_authenticated:
        raise unauthenticated()
    return user
