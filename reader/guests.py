"""A guest's progress, kept in their session: one document per story, stepped by the progress service."""

import logging

from story_admin import selectors
from story_admin.services.progress import keep_guest_progress
from story_admin.exceptions import StoryError
from story_admin.models import PlayerProgress, Scenario
from story_admin.services.progress import guest_progress_document, guest_progress_from_document

logger = logging.getLogger(__name__)

SESSION_KEY = "reader_guest_progress"


def _documents(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def guest_progress(request, scenario: Scenario) -> PlayerProgress | None:
    """The guest's progress in this story, or None (never started, or unreadable: then forgotten)."""
    document = _documents(request).get(str(scenario.pk))
    if document is None:
        return None
    try:
        return guest_progress_from_document(scenario=scenario, document=document)
    except StoryError as error:
        logger.warning("Guest progress in story %s could not be read (%s): forgotten", scenario.pk, error.message)
        forget(request, scenario)
        return None


def keep(request, progress: PlayerProgress) -> None:
    documents = _documents(request)
    documents[str(progress.scenario_id)] = guest_progress_document(progress)
    request.session[SESSION_KEY] = documents


def forget(request, scenario: Scenario) -> None:
    documents = _documents(request)
    if documents.pop(str(scenario.pk), None) is not None:
        request.session[SESSION_KEY] = documents


def take_documents(request) -> dict:
    """The guest's documents, removed from the session (read them before signing in)."""
    return request.session.pop(SESSION_KEY, {})


def keep_for_player(player, documents: dict) -> int:
    """Sign-up or sign-in: each story the guest played becomes (or merges into) the player's progress."""
    kept = 0
    for scenario_id, document in documents.items():
        try:
            scenario = selectors.get_scenario(scenario_id)
            guest = guest_progress_from_document(scenario=scenario, document=document)
            keep_guest_progress(player=player, guest=guest)
        except StoryError as error:
            logger.warning("Guest progress in story %s not kept for %s: %s", scenario_id, player.pk, error.message)
        else:
            kept += 1
    return kept
