"""Private preview links: a revocable address through which beta readers play a story, draft or not."""

import secrets

from django.utils import timezone

from ..models import PreviewLink, Scenario, User
from ..permissions import ensure_can_edit


def create_preview_link(*, editor: User, scenario: Scenario) -> PreviewLink:
    """A new link for this story's beta readers; their plays are marked as previews."""
    ensure_can_edit(editor, scenario)
    return PreviewLink.objects.create(scenario=scenario, token=secrets.token_urlsafe(24), created_by=editor)


def revoke_preview_link(*, editor: User, link: PreviewLink) -> PreviewLink:
    """From now on the link answers "not found"; what its readers played is kept (as previews)."""
    ensure_can_edit(editor, link.scenario)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link
