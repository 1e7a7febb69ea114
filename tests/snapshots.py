"""Every document in the database, to prove that a refusal changed nothing."""

from django.db import connection

# Filled by migrations once; no request writes them.
STATIC_COLLECTIONS = frozenset({"django_content_type", "auth_permission", "django_migrations"})


def compared_collections(ignore=frozenset()) -> list[str]:
    return sorted(
        name
        for name in connection.database.list_collection_names()
        if name not in STATIC_COLLECTIONS and name not in ignore and not name.startswith("system.")
    )


def database_snapshot(ignore=frozenset()) -> dict[str, list]:
    """The documents of every collection but the static ones and `ignore`, in _id order."""
    database = connection.database
    return {
        name: sorted(database[name].find({}), key=lambda document: str(document["_id"]))
        for name in compared_collections(ignore)
    }


def changed_collections(before: dict, after: dict) -> list[str]:
    return sorted(name for name in set(before) | set(after) if before.get(name, []) != after.get(name, []))
