"""Turn Django's model validation into the domain's StoryRuleError, before any write."""

from django.core.exceptions import ValidationError
from django.db import models

from ..exceptions import StoryRuleError


def validate_fields(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> None:
    """Check an instance's own fields (lengths, choices, blanks); relations are checked by the caller."""
    relations = [field.name for field in instance._meta.concrete_fields if field.is_relation]
    try:
        instance.full_clean(exclude=[*relations, *exclude], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field_errors = {name: [str(message) for message in messages] for name, messages in error.message_dict.items()}
        summary = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in field_errors.items())
        raise StoryRuleError(f"Please correct these fields — {summary}", field_errors=field_errors) from None
