"""The few domain exceptions; the admin, the studio and GraphQL translate them into their own shapes."""


class StoryError(Exception):
    """Base of the domain's refusals. `message` is written for the person who asked."""

    code = "BAD_USER_INPUT"

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
    code = "NOT_FOUND"


class PermissionDenied(StoryError):
    code = "FORBIDDEN"


class NotPlayable(StoryRuleError):
    """A deliberate publish of a story that cannot be played; `problems` (of the loaded `story`) say why."""

    def __init__(self, message: str, *, story, problems: list):
        super().__init__(message)
        self.story = story
        self.problems = problems
