"""IDs as clients send them: a 24-hex ObjectId, or a Relay global id wrapping one."""

from bson import ObjectId
from bson.errors import InvalidId
from graphql_relay import from_global_id

from story_admin.exceptions import NotFound


def object_id(value, *, what: str) -> ObjectId:
    text = str(value or "").strip()
    if ObjectId.is_valid(text):
        return ObjectId(text)
    try:
        _, inner = from_global_id(text)
        return ObjectId(inner)
    except (InvalidId, TypeError, ValueError, UnicodeDecodeError):
        raise NotFound(f"No {what} has the id “{value}”.") from None


def load(model, value, what: str, *, related: tuple[str, ...] = ()):
    """The document of `model` with this id (and the `related` documents it points to, in the same
    command), or NotFound naming what was looked for."""
    documents = model.objects.select_related(*related) if related else model.objects
    document = documents.filter(pk=object_id(value, what=what)).first()
    if document is None:
        raise NotFound(f"No {what} has the id “{value}”.")
    return document
