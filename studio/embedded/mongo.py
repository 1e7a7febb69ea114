"""The embedded MongoDB-compatible server: mongoeco's wire server plus the shims we need.

This is the only module that touches mongoeco internals. Each shim closes one gap
measured against what django-mongodb-backend sends (see shared DESIGN.md):

1. ``buildinfo`` (lower case, sent by ``MongoClient.server_info()``) is aliased to
   ``buildInfo`` before dispatch.
2. The aggregation expression ``$not`` is registered through mongoeco's public hook.
3. Single-document inserts no longer scan the whole collection for non-numeric ids.
4. Long ``$in`` lists are translated as groups of OR chains so SQLite's expression
   depth limit is never reached.
"""

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from mongoeco.core.aggregation import register_aggregation_expression_operator
from mongoeco.engines import sqlite_query
from mongoeco.engines.sqlite import SQLiteEngine
from mongoeco.wire.proxy import AsyncMongoEcoProxyServer

logger = logging.getLogger(__name__)

IN_GROUP_SIZE = 50


def _not_expression(document, spec, variables, dialect, context):
    """`$not` accepts both `{"$not": expr}` and `{"$not": [expr]}`."""
    if isinstance(spec, list):
        (operand,) = context.require_expression_args("$not", spec, 1, 1)
    else:
        operand = spec
    value = context.evaluate_expression(document, operand, variables)
    return not dialect.policy.expression_truthy(value)


_original_translate_membership = sqlite_query._translate_membership


def _translate_membership_in_groups(field, values, *, negated, **options):
    """Split a long membership test into groups; each group is the original translation.

    `x in (a..z)` is `x in (a..m) OR x in (n..z)`; `x not in (...)` is the AND of the
    groups' negations. Each group stays a short OR chain, far from SQLite's depth limit.
    """
    if len(values) <= IN_GROUP_SIZE:
        return _original_translate_membership(field, values, negated=negated, **options)
    fragments = [
        _original_translate_membership(
            field, values[start : start + IN_GROUP_SIZE], negated=negated, **options
        )
        for start in range(0, len(values), IN_GROUP_SIZE)
    ]
    joiner = " AND " if negated else " OR "
    sql = joiner.join(f"({fragment_sql})" for fragment_sql, _ in fragments)
    params = [param for _, fragment_params in fragments for param in fragment_params]
    return f"({sql})", params


class FlatInsertSQLiteEngine(SQLiteEngine):
    """SQLite engine whose inserts stay flat as a collection grows.

    mongoeco scans every stored document on each insert to catch duplicate numeric
    `_id`s (1 and 1.0 are equal in BSON). It still does that scan itself whenever the
    new `_id` contains a number; for ObjectIds and strings the indexed storage-key
    check that runs before it is enough.
    """

    def _validate_document_against_unique_indexes(self, *args, scan_payload_id=False, **kwargs):
        return super()._validate_document_against_unique_indexes(
            *args, scan_payload_id=False, **kwargs
        )


class EmbeddedMongoServer(AsyncMongoEcoProxyServer):
    """mongoeco's wire server, answering the lower-case `buildinfo` command too."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        build_request_context = self._executor._build_request_context

        def build_with_aliases(body, **options):
            if body and next(iter(body)) == "buildinfo":
                body = {("buildInfo" if key == "buildinfo" else key): value for key, value in body.items()}
            return build_request_context(body, **options)

        self._executor._build_request_context = build_with_aliases


_shims_installed = False


def install_shims() -> None:
    """Install the process-wide shims (idempotent)."""
    global _shims_installed
    if _shims_installed:
        return
    register_aggregation_expression_operator("$not", _not_expression)
    sqlite_query._translate_membership = _translate_membership_in_groups
    _shims_installed = True


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    @property
    def uri(self) -> str:
        return f"mongodb://{self.host}:{self.port}/"


def build_server(*, path: Path, host: str, port: int) -> EmbeddedMongoServer:
    install_shims()
    path.parent.mkdir(parents=True, exist_ok=True)
    return EmbeddedMongoServer(engine=FlatInsertSQLiteEngine(str(path)), host=host, port=port)


async def serve_forever(*, path: Path, host: str, port: int, started=None) -> None:
    """Run the server until cancelled; `started(address)` is called once it listens."""
    server = build_server(path=path, host=host, port=port)
    bound = await server.start()
    address = Address(bound.host, bound.port)
    logger.info("Embedded MongoDB listening on %s (data: %s)", address.uri, path)
    if started is not None:
        started(address)
    try:
        await asyncio.Event().wait()
    finally:
        await server.close()
