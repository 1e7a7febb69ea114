"""The few domain exceptions; the admin, the studio and GraphQL translate them into their own shapes."""

from enum import StrEnum


class ErrorCode(StrEnum):
    """Why something was refused: every code an answer carries (the API's `code`, `extensions.code` and the
    field errors' `code`), as one list."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class StoryError(Exception):
    """Base of the domain's refusals. `message` is written for the person who asked."""

    code = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class StoryRuleError(StoryError):
    """The change breaks a rule of the story; nothing was written."""


def on_field(field: str, message: str) -> "StoryRuleError":
    """A refusal of one field, whose message is shown next to it and as the whole answer."""
    return StoryRuleError(message, field_errors={field: [message]})


class NotFound(StoryError):
    code = ErrorCode.NOT_FOUND


class PermissionDenied(StoryError):
    code = ErrorCode.FORBIDDEN


class NotPlayable(StoryRuleError):
    """A deliberate publish of a story that cannot be played; `problems` (of the loaded `story`) say why."""

    def __init__(self, message: str, *, story, problems: list):
        super().__init__(message)
        self.story = story
        self.problems = problems
