"""Token refresh, verification and revocation, compatible with django-graphql-jwt's tokens."""

import graphene
import graphql_jwt
from graphql import GraphQLError
from graphql_jwt.exceptions import JSONWebTokenError
from graphql_jwt.refresh_token.shortcuts import get_refresh_token
from graphql_jwt.settings import jwt_settings
from graphql_jwt.utils import get_payload, get_user_by_payload

from story_admin.exceptions import ErrorCode

from ..auth import new_access_token, rotate_refresh_token


def refused(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": ErrorCode.UNAUTHENTICATED})


def account_of(payload):
    """The active account a decoded token names, or a refusal (deleted, disabled, signed out since)."""
    user = get_user_by_payload(payload)
    if user is None or not user.is_active:
        raise JSONWebTokenError(
            "This token is no longer valid (signed out, or the password or email changed): sign in again."
        )
    return user


class RefreshToken(graphene.Mutation):
    """A new JWT, from a JWT still in its refresh window (`token`) or a long-lived `refreshToken`."""

    class Arguments:
        token = graphene.String()
        refresh_token = graphene.String()

    token = graphene.String(required=True)
    payload = graphene.types.generic.GenericScalar(required=True)
    refresh_expires_in = graphene.Int(required=True)
    refresh_token = graphene.String()

    @classmethod
    def mutate(cls, root, info, token=None, refresh_token=None):
        value = refresh_token or token
        if not value:
            raise refused("Send the token to refresh.")
        try:
            if refresh_token or value.count(".") != 2:
                return cls._from_refresh_token(info, value)
            return cls._from_jwt(info, value)
        except JSONWebTokenError as error:
            raise refused(str(error)) from None

    @classmethod
    def _from_jwt(cls, info, token):
        payload = get_payload(token, info.context)
        user = account_of(payload)
        orig_iat = payload["origIat"]
        if jwt_settings.JWT_REFRESH_EXPIRED_HANDLER(orig_iat, info.context):
            raise JSONWebTokenError("Refresh has expired")
        new_token = new_access_token(user, info.context, origIat=orig_iat)
        return cls(
            token=new_token,
            payload=get_payload(new_token, info.context),
            refresh_expires_in=int(orig_iat + jwt_settings.JWT_REFRESH_EXPIRATION_DELTA.total_seconds()),
        )

    @classmethod
    def _from_refresh_token(cls, info, value):
        user, new = rotate_refresh_token(value, info.context)
        new_token = new_access_token(user, info.context)
        return cls(
            token=new_token,
            payload=get_payload(new_token, info.context),
            refresh_token=new.get_token(),
            refresh_expires_in=int(new.created.timestamp() + jwt_settings.JWT_REFRESH_EXPIRATION_DELTA.total_seconds()),
        )


class RevokeToken(graphene.Mutation):
    """Cancel a refresh token: it can no longer be exchanged for a JWT."""

    class Arguments:
        refresh_token = graphene.String(required=True)

    revoked = graphene.Int(required=True)

    @classmethod
    def mutate(cls, root, info, refresh_token):
        try:
            stored = get_refresh_token(refresh_token, info.context)
        except JSONWebTokenError as error:
            raise refused(str(error)) from None
        stored.revoke(info.context)
        return cls(revoked=int(stored.revoked.timestamp()))


# django-graphql-jwt's verifyToken (a comment, not a docstring: the contract's schema has no description here);
# a bad, expired or missing token, or one its account no longer accepts, is an UNAUTHENTICATED error saying why.
class VerifyToken(graphql_jwt.Verify):
    class Meta:
        name = "Verify"

    @classmethod
    def mutate(cls, root, info, token=None):
        if not token:
            raise refused("Send the token to verify.")
        try:
            account_of(get_payload(token, info.context))
            return super().mutate(root, info, token=token)
        except JSONWebTokenError as error:
            raise refused(str(error)) from None
