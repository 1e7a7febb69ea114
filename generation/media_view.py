"""Serving media files: Content-Type, ETag / If-None-Match, Cache-Control and HTTP Range.

Media are authors' files served from our own origin, so no file may act as a page: every answer
forbids sniffing and carries a sandboxing CSP, and only the image and audio types that uploads
accept are served inline; anything else (an old asset stored as text/html or SVG) is an
application/octet-stream attachment.
"""

import re

from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

from story_admin import selectors
from story_admin.exceptions import NotFound
from story_admin.media_files import INLINE_TYPES

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024
SAFETY_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}


def _preview_link(request):
    """The active preview link named by `?preview=` (the reading site adds it to a previewed draft's media)."""
    token = request.GET.get("preview", "")
    if not token:
        return None
    try:
        return selectors.get_preview_link(token)
    except NotFound:
        return None


@require_safe
def serve_media(request, name: str):
    # Who may see it is the one rule of every asset read (drafts to their editors, private media to its owner
    # until a published story shows it, a draft's media to its preview link's readers).
    asset = (
        selectors.visible_assets(request.user, preview=_preview_link(request))
        .select_related("scenario")
        .filter(file=name)
        .first()
    )
    if asset is None or not default_storage.exists(name):
        raise Http404("No such media file.")
    size = default_storage.size(name)
    etag = f'"{asset.pk}-{size}-{int(default_storage.get_modified_time(name).timestamp())}"'
    public = selectors.public_assets().filter(pk=asset.pk).exists()  # shared caches may keep what anyone sees
    inline = asset.mime_type in INLINE_TYPES
    headers = {
        **SAFETY_HEADERS,
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Cache-Control": "public, max-age=86400" if public else "private, max-age=0, must-revalidate",
        "Content-Type": asset.mime_type if inline else "application/octet-stream",
    }
    if not inline:
        headers["Content-Disposition"] = "attachment"
    if etag in request.headers.get("If-None-Match", ""):
        return HttpResponseNotModified(
            headers={**SAFETY_HEADERS, "ETag": etag, "Cache-Control": headers["Cache-Control"]}
        )

    start, end, status = 0, size - 1, 200
    if match := RANGE.match(request.headers.get("Range", "")):
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        elif last:
            start = max(size - int(last), 0)
        if start > end or start >= size:
            return HttpResponse(status=416, headers={**SAFETY_HEADERS, "Content-Range": f"bytes */{size}"})
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    with default_storage.open(name) as stored:
        stored.seek(start)
        body = stored.read(end - start + 1)
    headers["Content-Length"] = str(len(body))
    return HttpResponse(body if request.method == "GET" else b"", status=status, headers=headers)
