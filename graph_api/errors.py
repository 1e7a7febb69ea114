"""GraphQL errors with the codes clients switch on (`extensions.code`)."""

from graphql import GraphQLError

from story_admin.exceptions import ErrorCode, StoryError

AUTHENTICATION_REQUIRED = "Authentication required"


def unauthenticated() -> GraphQLError:
    """The exact message the contract's clients log out on."""
    return GraphQLError(AUTHENTICATION_REQUIRED, extensions={"code": ErrorCode.UNAUTHENTICATED})


def from_story_error(error: StoryError) -> GraphQLError:
    return GraphQLError(error.message, extensions={"code": error.code})


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": ErrorCode.BAD_USER_INPUT})
