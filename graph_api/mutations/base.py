"""The payload every mutation returns: `{<object>, success, message}` plus a code and field errors."""

import graphene
from graphene.utils.str_converters import to_camel_case

from story_admin.exceptions import ErrorCode, NotPlayable, StoryError

from ..types import FieldErrorType, StoryProblemType


class ServiceMutation(graphene.Mutation):
    """Run `perform`; a domain refusal becomes `success: false` with a readable message, its code and a code on
    each field error. The one place where the API turns a domain error into a mutation's answer."""

    class Meta:
        abstract = True

    success = graphene.Boolean(required=True)
    message = graphene.String()
    code = graphene.String(description="Why it was refused: BAD_USER_INPUT, FORBIDDEN or NOT_FOUND.")
    # (A String, as old clients know it; every value is one of `ErrorCode`.)
    errors = graphene.List(graphene.NonNull(FieldErrorType), description="Refusals tied to input fields.")

    @classmethod
    def mutate(cls, root, info, **arguments):
        try:
            return cls.perform(root, info, **arguments)
        except StoryError as error:
            refusal = {}
            if isinstance(error, NotPlayable) and "problems" in cls._meta.fields:
                refusal["problems"] = StoryProblemType.listed(error.story, error.problems)
            code = ErrorCode(error.code)
            return cls(
                success=False,
                message=error.message,
                code=code,
                errors=[
                    FieldErrorType(field=to_camel_case(name), messages=messages, code=code)
                    for name, messages in error.field_errors.items()
                ],
                **refusal,
            )

    @classmethod
    def perform(cls, root, info, **arguments):
        raise NotImplementedError


def provided(values, *names) -> dict:
    """The input fields the client actually sent (an omitted field is left unchanged)."""
    return {name: values[name] for name in names if name in values}
