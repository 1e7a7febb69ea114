"""A request body larger than the largest upload is refused before Django reads a byte of it.

Django caps form fields held in memory (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams any size of
file to disk first; the upload checks (MAX_UPLOAD_BYTES) come after. A declared length over the
cap is answered 413 at once, in the API's error shape on /graphql/ and as text elsewhere.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from story_admin.exceptions import ErrorCode

FORM_FIELDS_BYTES = 1024 * 1024  # room for the other fields of a multipart upload


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_UPLOAD_BYTES + FORM_FIELDS_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django treats a malformed length as no body
        if length <= limit:
            return self.get_response(request)
        message = (
            f"The request is larger than {limit // (1024 * 1024)} MB: files may be at most "
            f"{settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
        )
        if request.path.startswith("/graphql"):
            return JsonResponse(
                {"errors": [{"message": message, "extensions": {"code": ErrorCode.BAD_USER_INPUT}}]}, status=413
            )
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
