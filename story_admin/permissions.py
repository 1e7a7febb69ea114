"""Who may read and who may edit a story: authors their own, superusers all, players none."""

from .exceptions import PermissionDenied
from .models import Scenario


def is_author(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_author)


def can_edit_story(user, scenario: Scenario) -> bool:
    if not is_author(user):
        return False
    return user.is_superuser or scenario.author_id == user.pk


def can_read_story(user, scenario: Scenario) -> bool:
    return scenario.is_published or can_edit_story(user, scenario)


def ensure_author(user) -> None:
    if not is_author(user):
        raise PermissionDenied("Only authors can write stories.")


def ensure_can_edit(user, scenario: Scenario) -> None:
    if not can_edit_story(user, scenario):
        raise PermissionDenied(f"You cannot edit the story “{scenario.title}”: it belongs to another author.")


def ensure_can_read(user, scenario: Scenario) -> None:
    if not can_read_story(user, scenario):
        raise PermissionDenied(f"The story “{scenario.title}” is not published yet.")
