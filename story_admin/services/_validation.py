"""Turn Django's model validation into the domain's StoryRuleError, before any write."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import models

from ..exceptions import StoryError, StoryRuleError


def validate_fields(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> None:
    """Check an instance's own fields (lengths, choices, blanks); relations are checked by the caller."""
    relations = [field.name for field in instance._meta.concrete_fields if field.is_relation]
    try:
        instance.full_clean(exclude=[*relations, *exclude], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field_errors = {name: [str(message) for message in messages] for name, messages in error.message_dict.items()}
        summary = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in field_errors.items())
        raise StoryRuleError(f"Please correct these fields — {summary}", field_errors=field_errors) from None


@contextmanager
def applied(instance, changes: dict):
    """Set `changes` on `instance`; if the checks inside refuse them, put the old values back."""
    # Restoring attnames (`image_id`) also drops a cached related object that no longer matches.
    previous = {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}
    for name, value in changes.items():
        setattr(instance, name, value)
    try:
        yield
    except StoryError:
        for name, value in previous.items():
            setattr(instance, name, value)
        raise


def refuse_unknown(changes: dict, allowed: set[str], what: str) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise StoryRuleError(f"These fields of a {what} cannot be changed here: {', '.join(unknown)}.")
