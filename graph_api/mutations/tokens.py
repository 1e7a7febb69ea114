"""Token refresh and revocation, compatible with django-graphql-jwt's tokens."""

import graphene
import graphql_jwt
from graphql import GraphQLError
from graphql_jwt.exceptions import JSONWebTokenError
from graphql_jwt.refresh_token.shortcuts import create_refresh_token, get_refresh_token
from graphql_jwt.settings import jwt_settings
from graphql_jwt.shortcuts import get_token
from graphql_jwt.utils import get_payload, get_user_by_payload


def refused(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "UNAUTHENTICATED"})


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
        user = get_user_by_payload(payload)
        orig_iat = payload.get("origIat")
        if not orig_iat or jwt_settings.JWT_REFRESH_EXPIRED_HANDLER(orig_iat, info.context):
            raise JSONWebTokenError("Refresh has expired")
        new_token = get_token(user, info.context, origIat=orig_iat)
        return cls(token=new_token, payload=get_payload(new_token, info.context),
                   refresh_expires_in=int(orig_iat + jwt_settings.JWT_REFRESH_EXPIRATION_DELTA.total_seconds()))

    @classmethod
    def _from_refresh_token(cls, info, value):
        old = get_refresh_token(value, info.context)
        if old.is_expired(info.context) or not old.user.is_active:
            raise JSONWebTokenError("Refresh token is expired")
        old.revoke(info.context)
        new = create_refresh_token(old.user)
        new_token = get_token(old.user, info.context)
        return cls(token=new_token, payload=get_payload(new_token, info.context), refresh_token=new.get_token(),
                   refresh_expires_in=int(new.created.timestamp()
                                          + jwt_settings.JWT_REFRESH_EXPIRATION_DELTA.total_seconds()))


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
# a bad, expired or missing token is an UNAUTHENTICATED error saying why, not an internal error.
class VerifyToken(graphql_jwt.Verify):
    class Meta:
        name = "Verify"

    @classmethod
    def mutate(cls, root, info, token=None):
        if not token:
            raise refused("Send the token to verify.")
        try:
            return super().mutate(root, info, token=token)
        except JSONWebTokenError as error:
            raise refused(str(error)) from None
