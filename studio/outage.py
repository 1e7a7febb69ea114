"""When MongoDB does not answer: a clear 503 (page or GraphQL error) instead of a traceback; the next request retries."""

import logging

from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from pymongo.errors import AutoReconnect, ConnectionFailure, ServerSelectionTimeoutError

from story_admin.exceptions import ErrorCode

logger = logging.getLogger(__name__)
OUTAGE_ERRORS = (ServerSelectionTimeoutError, AutoReconnect, ConnectionFailure)


def is_outage(error: BaseException | None) -> bool:
    """A lost database connection, raw from pymongo or wrapped by Django as a DatabaseError."""
    while error is not None:
        if isinstance(error, OUTAGE_ERRORS):
            return True
        error = error.__cause__ if isinstance(error, DatabaseError) else None
    return False


# A write cut off at its commit may or may not have been saved (pymongo cannot tell): say so, never "nothing changed".
MESSAGE = (
    "The database is not answering right now; try again in a moment. "
    "If you were saving a change, check that it is there once the page loads again."
)


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        logger.error("Database unreachable while serving %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/graphql"):
            return JsonResponse(
                {"errors": [{"message": MESSAGE, "extensions": {"code": ErrorCode.SERVICE_UNAVAILABLE}}]},
                status=503,
                headers={"Retry-After": "5"},
            )
        response = render(request, "studio/outage.html", {"message": MESSAGE}, status=503)
        response["Retry-After"] = "5"
        return response
