"""Accounts and sign-in."""

import graphene
from bson import ObjectId
from django.contrib.auth import get_user_model
from graphql import GraphQLError
from graphql_jwt.settings import jwt_settings
from graphql_jwt.utils import get_payload

from story_admin.exceptions import ErrorCode, NotFound, StoryRuleError
from story_admin.models import Role
from story_admin.services import users as user_services

from ..auth import (
    current_user,
    issue_refresh_token,
    new_access_token,
    require_user,
    sign_out_everywhere,
)
from ..ids import object_id
from ..types import UserType
from .base import ServiceMutation, provided


def load_user(user_id):
    user = get_user_model().objects.filter(pk=object_id(user_id, what="account")).first()
    if user is None:
        raise NotFound(f"No account has the id “{user_id}”.")
    return user


class Login(ServiceMutation):
    """Sign in by email; returns a JWT to send as `Authorization: JWT <token>`."""

    class Arguments:
        email = graphene.String(required=True)
        password = graphene.String(required=True)

    token = graphene.String()
    refresh_token = graphene.String(description="Long-lived; exchange it with refreshToken, cancel with revokeToken.")
    user = graphene.Field(UserType)

    @classmethod
    def perform(cls, root, info, email, password):
        user = user_services.sign_in(request=info.context, email=email, password=password)
        refresh = issue_refresh_token(user)
        return cls(
            success=True,
            message="Signed in.",
            token=new_access_token(user, info.context),
            user=user,
            refresh_token=refresh.get_token(),
        )


class ObtainToken(graphene.Mutation):
    """django-graphql-jwt's tokenAuth; `username` is the account's email."""

    class Arguments:
        username = graphene.String()
        email = graphene.String()
        password = graphene.String(required=True)

    token = graphene.String(required=True)
    payload = graphene.types.generic.GenericScalar(required=True)
    refresh_expires_in = graphene.Int(required=True)
    refresh_token = graphene.String()

    @classmethod
    def mutate(cls, root, info, password, username=None, email=None):
        try:
            user = user_services.sign_in(request=info.context, email=username or email or "", password=password)
        except StoryRuleError as error:
            raise GraphQLError(
                "Please enter valid credentials", extensions={"code": ErrorCode.UNAUTHENTICATED}
            ) from error
        token = new_access_token(user, info.context)
        payload = get_payload(token, info.context)
        refresh = issue_refresh_token(user)
        return cls(
            token=token,
            payload=payload,
            refresh_token=refresh.get_token(),
            refresh_expires_in=int(
                refresh.created.timestamp() + jwt_settings.JWT_REFRESH_EXPIRATION_DELTA.total_seconds()
            ),
        )


class CreateUserInput(graphene.InputObjectType):
    email = graphene.String(required=True)
    password = graphene.String(required=True)
    role = graphene.String(default_value=Role.PLAYER)
    first_name = graphene.String()
    last_name = graphene.String()


SIGNED_UP = (
    "Signed up: sign in with this email and your password. If the email already had an account, "
    "that account is unchanged and keeps its own password."
)


class CreateUser(ServiceMutation):
    """Sign-up. Only a superuser learns whether an email is already registered: anyone else gets the same answer."""

    class Arguments:
        input = CreateUserInput(required=True)

    user = graphene.Field(UserType)

    @classmethod
    def perform(cls, root, info, input):
        creator = current_user(info)
        superuser = creator.is_authenticated and creator.is_superuser
        try:
            user = user_services.register_user(
                creator=creator if creator.is_authenticated else None,
                email=input.email,
                password=input.password,
                role=input.role or Role.PLAYER,
                first_name=input.first_name or "",
                last_name=input.last_name or "",
            )
        except user_services.EmailTaken:
            if superuser:
                raise
            # The answer a new account gets, for an account that is not saved: nothing tells them apart.
            user = get_user_model()(
                pk=ObjectId(),
                email=get_user_model().objects.normalize_email(input.email),
                role=input.role or Role.PLAYER,
                first_name=(input.first_name or "").strip(),
                last_name=(input.last_name or "").strip(),
            )
        user.email_shown_to_caller = True  # the caller typed it
        return cls(success=True, message="Account created." if superuser else SIGNED_UP, user=user)


class UpdateUserInput(graphene.InputObjectType):
    email = graphene.String()
    first_name = graphene.String()
    last_name = graphene.String()
    role = graphene.String()


class UpdateUser(ServiceMutation):
    class Arguments:
        user_id = graphene.ID(required=True)
        input = UpdateUserInput(required=True)

    user = graphene.Field(UserType)
    token = graphene.String(
        description="A new token for your own account when its email changed: the old ones are refused."
    )

    @classmethod
    def perform(cls, root, info, user_id, input):
        editor = require_user(info)
        changes = provided(input, "email", "first_name", "last_name", "role")
        account = load_user(user_id)
        version = account.token_version
        user = user_services.update_user(editor=editor, user=account, **changes)
        token = new_access_token(user, info.context) if user.pk == editor.pk and user.token_version != version else None
        return cls(success=True, message="Account updated.", user=user, token=token)


class DeleteUser(ServiceMutation):
    class Arguments:
        user_id = graphene.ID(required=True)

    @classmethod
    def perform(cls, root, info, user_id):
        user_services.delete_user(editor=require_user(info), user=load_user(user_id))
        return cls(success=True, message="Account deleted.")


class SignOutEverywhere(ServiceMutation):
    """Refuse every token of your account issued until now (API tokens and refresh tokens), on every device."""

    @classmethod
    def perform(cls, root, info):
        sign_out_everywhere(require_user(info))
        return cls(success=True, message="Signed out everywhere: sign in again to get a new token.")
