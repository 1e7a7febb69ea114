"""Accounts and sign-in."""

import graphene
from django.contrib.auth import get_user_model
from graphql import GraphQLError
from graphql_jwt.refresh_token.shortcuts import create_refresh_token
from graphql_jwt.settings import jwt_settings
from graphql_jwt.shortcuts import get_token
from graphql_jwt.utils import get_payload

from story_admin.exceptions import NotFound, StoryRuleError
from story_admin.models import Role
from story_admin.services import users as user_services

from ..auth import current_user, require_user
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
        refresh = create_refresh_token(user)
        return cls(success=True, message="Signed in.", token=get_token(user, info.context), user=user,
                   refresh_token=refresh.get_token())


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
            raise GraphQLError("Please enter valid credentials", extensions={"code": "UNAUTHENTICATED"}) from error
        token = get_token(user, info.context)
        payload = get_payload(token, info.context)
        refresh = create_refresh_token(user)
        return cls(token=token, payload=payload, refresh_token=refresh.get_token(),
                   refresh_expires_in=int(refresh.created.timestamp()
                                          + jwt_settings.JWT_REFRESH_EXPIRATION_DELTA.total_seconds()))


class CreateUserInput(graphene.InputObjectType):
    email = graphene.String(required=True)
    password = graphene.String(required=True)
    role = graphene.String(default_value=Role.PLAYER)
    first_name = graphene.String()
    last_name = graphene.String()


class CreateUser(ServiceMutation):
    class Arguments:
        input = CreateUserInput(required=True)

    user = graphene.Field(UserType)

    @classmethod
    def perform(cls, root, info, input):
        creator = current_user(info)
        user = user_services.register_user(
            creator=creator if creator.is_authenticated else None, email=input.email, password=input.password,
            role=input.role or Role.PLAYER, first_name=input.first_name or "", last_name=input.last_name or "",
        )
        return cls(success=True, message="Account created.", user=user)


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

    @classmethod
    def perform(cls, root, info, user_id, input):
        editor = require_user(info)
        changes = provided(input, "email", "first_name", "last_name", "role")
        user = user_services.update_user(editor=editor, user=load_user(user_id), **changes)
        return cls(success=True, message="Account updated.", user=user)


class DeleteUser(ServiceMutation):
    class Arguments:
        user_id = graphene.ID(required=True)

    @classmethod
    def perform(cls, root, info, user_id):
        user_services.delete_user(editor=require_user(info), user=load_user(user_id))
        return cls(success=True, message="Account deleted.")
