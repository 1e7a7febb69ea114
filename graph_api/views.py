"""The /graphql/ endpoint: limits on query depth, aliases, cost and introspection, and no internals in errors."""

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

from story_admin.exceptions import ErrorCode
from studio.outage import MESSAGE as OUTAGE_MESSAGE
from studio.outage import is_outage

from .auth import authenticate_request, token_from_header
from .execution import SynchronousExecutionContext
from .validation import QueryLimitsRule

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

    execution_context_class = SynchronousExecutionContext

    @classmethod
    def as_endpoint(cls):
        # These rules replace graphql-core's defaults, so the defaults are listed first.
        rules = [*specified_rules, depth_limit_validator(max_depth=settings.GRAPHQL_MAX_DEPTH), QueryLimitsRule]
        if not settings.GRAPHQL_INTROSPECTION:
            rules.append(NoSchemaIntrospectionCustomRule)
        return csrf_exempt(cls.as_view(graphiql=settings.GRAPHIQL, validation_rules=rules))

    def dispatch(self, request, *args, **kwargs):
        """A JSON body over GRAPHQL_MAX_BODY_BYTES is refused before it is read.

        Multipart (file uploads, up to MAX_UPLOAD_BYTES) is for signed-in users only, checked from
        the token before the body is parsed, and its `operations` part has the JSON body's cap.
        """
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        cap = settings.GRAPHQL_MAX_BODY_BYTES
        if request.content_type != "multipart/form-data":
            if length > cap:
                return _refusal(f"The request body is larger than {cap // 1024} KB.", "BAD_USER_INPUT", 413)
        else:
            authenticate_request(request)
            if token_from_header(request) is None or not request.user.is_authenticated:
                return _refusal("Authentication required", "UNAUTHENTICATED", 401)
            operations = request.POST.get("operations", "") + request.POST.get("map", "")
            if len(operations.encode()) > cap:
                return _refusal(
                    f"The operations of this upload are larger than {cap // 1024} KB (only its files may be larger).",
                    "BAD_USER_INPUT",
                    413,
                )
        authenticate_request(request)  # once, before any field resolves (not a per-field middleware)
        session_user = getattr(request, "user", None)
        if token_from_header(request) is None and session_user is not None and session_user.is_authenticated:
            if reason := csrf_refusal(request):
                logger.warning(
                    "Session ignored on /graphql/ without the CSRF token (%s), origin %r",
                    reason,
                    request.META.get("HTTP_ORIGIN"),
                )
                request.user = AnonymousUser()
        return super().dispatch(request, *args, **kwargs)

    def render_graphiql(self, request, **data):
        """GraphiQL (development only, GRAPHIQL) is exempt from the site's CSP, deliberately: graphene's
        page loads React and GraphiQL from cdn.jsdelivr.net and sets its options in an inline script."""
        response = super().render_graphiql(request, **data)
        response._csp_config = {}  # Django's CSP middleware adds no header for an empty policy
        return response

    @staticmethod
    def format_error(error):
        original = getattr(error, "original_error", None)
        if isinstance(error, GraphQLError) and (original is None or isinstance(original, GraphQLError)):
            return error.formatted
        if is_outage(original):
            logger.error("Database unreachable during a GraphQL request: %s", original)
            return {**error.formatted, "message": OUTAGE_MESSAGE, "extensions": {"code": ErrorCode.SERVICE_UNAVAILABLE}}
        # A bug, not a refusal: log it whole, answer without internals.
        logger.error("GraphQL request failed", exc_info=original or error)
        formatted = error.formatted if isinstance(error, GraphQLError) else {}
        formatted["message"] = str(original or error) if settings.DEBUG else "Internal server error"
        formatted["extensions"] = {"code": ErrorCode.INTERNAL_SERVER_ERROR}
        return formatted


def _refusal(message: str, code: str, status: int) -> JsonResponse:
    """A request refused before it is executed, in the API's error shape."""
    return JsonResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status=status)
