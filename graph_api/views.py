"""The /graphql/ endpoint: limits on query depth and introspection, and no internals in errors."""

import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from graphene.validation import depth_limit_validator
from graphene_file_upload.django import FileUploadGraphQLView
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule, specified_rules

from studio.outage import MESSAGE as OUTAGE_MESSAGE
from studio.outage import is_outage

from .auth import token_from_header
from .validation import max_aliases_rule

logger = logging.getLogger(__name__)


class SessionCsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check run by hand (as Django REST framework does for sessions): the reason it refuses, or None."""

    def _reject(self, request, reason):
        return reason


def csrf_refusal(request) -> str | None:
    return SessionCsrfCheck(lambda request: None).process_view(request, None, (), {})


class StoryGraphQLView(FileUploadGraphQLView):
    """JSON and multipart (file upload) requests; GraphiQL in development.

    Clients authenticate with `Authorization: JWT <token>`, which a foreign page cannot send, so the
    endpoint is exempt from Django's CSRF check. A browser's studio session cookie is sent by any
    page, though: a request that relies on it (GraphiQL) counts as signed in only with the CSRF token
    (GraphiQL sends it); without one it is anonymous.
    """

    @classmethod
    def as_endpoint(cls):
        # These rules replace graphql-core's defaults, so the defaults are listed first.
        rules = [*specified_rules, depth_limit_validator(max_depth=settings.GRAPHQL_MAX_DEPTH),
                 max_aliases_rule(settings.GRAPHQL_MAX_ALIASES)]
        if not settings.GRAPHQL_INTROSPECTION:
            rules.append(NoSchemaIntrospectionCustomRule)
        return csrf_exempt(cls.as_view(graphiql=settings.GRAPHIQL, validation_rules=rules))

    def dispatch(self, request, *args, **kwargs):
        """A JSON body over GRAPHQL_MAX_BODY_BYTES is refused before it is read (uploads have their own cap)."""
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        multipart = request.content_type == "multipart/form-data"
        if not multipart and length > settings.GRAPHQL_MAX_BODY_BYTES:
            return JsonResponse({"errors": [{
                "message": f"The request body is larger than {settings.GRAPHQL_MAX_BODY_BYTES // 1024} KB.",
                "extensions": {"code": "BAD_USER_INPUT"}}]}, status=413)
        session_user = getattr(request, "user", None)  # set by AuthenticationMiddleware from the session cookie
        if (token_from_header(request) is None and session_user is not None and session_user.is_authenticated
                and (reason := csrf_refusal(request))):
            logger.warning("Session ignored on /graphql/ without the CSRF token (%s), origin %r",
                           reason, request.META.get("HTTP_ORIGIN"))
            request.user = AnonymousUser()
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def format_error(error):
        original = getattr(error, "original_error", None)
        if isinstance(error, GraphQLError) and (original is None or isinstance(original, GraphQLError)):
            return error.formatted
        if is_outage(original):
            logger.error("Database unreachable during a GraphQL request: %s", original)
            return {**error.formatted, "message": OUTAGE_MESSAGE, "extensions": {"code": "SERVICE_UNAVAILABLE"}}
        # A bug, not a refusal: log it whole, answer without internals.
        logger.error("GraphQL request failed", exc_info=original or error)
        formatted = error.formatted if isinstance(error, GraphQLError) else {}
        formatted["message"] = str(original or error) if settings.DEBUG else "Internal server error"
        formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR"}
        return formatted
