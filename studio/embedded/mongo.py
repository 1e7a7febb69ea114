"""The embedded MongoDB-compatible server: mongoeco's wire server plus the shims we need.

This is the only module that touches mongoeco internals. Each shim closes one gap
measured against what django-mongodb-backend sends (see shared DESIGN.md):

1. ``buildinfo`` (lower case, sent by ``MongoClient.server_info()``) is aliased to
   ``buildInfo`` before dispatch.
2. The aggregation expression ``$not`` is registered through mongoeco's public hook.
3. Single-document inserts no longer scan the whole collection for non-numeric ids.
4. Long ``$in`` lists are translated as groups of OR chains so SQLite's expression
   depth limit is never reached.
5. Commands run one at a time, and those of other sessions wait for an open transaction
   to end, as on mongod, instead of failing ("SQLiteEngine has an active transaction bound
   to another session", "database is locked": the SQLite engine runs one transaction at a
   time). A transaction left open longer than TRANSACTION_LIFETIME_SECONDS (its client
   died) is aborted, as mongod does. Handshake and monitoring commands (``hello``, ``ping``)
   still run one at a time but never wait for a transaction (shim 8).
6. Multi-document reads share the engine's SQLite connection instead of opening a new one
   each (a fresh connection per read only served reads running beside writes; see 5).
7. The wire ``insert`` command (every ``insert_many`` and bulk create) writes its documents
   as one batch, one SQLite transaction, instead of one document and one commit at a time.
9. Reading a document no longer inspects the codec's signature (``inspect.signature``) for each one:
   ~12 % of the server's time reading a whole 2,000-scene story.
10. Answers are turned into BSON with a fast path for the plain values most documents hold (strings,
    numbers, dates, ObjectIds, dicts and lists of them): mongoeco's encoder ran ~20 ``isinstance``
    checks per value, ~22 % of the time of the same read. Any other value goes through mongoeco's.
11. Checking a unique index of several fields (Django's `UniqueConstraint`, e.g. one progress per player and
    story) no longer decodes every document of the collection on each insert and update: only those whose stored
    text holds the new document's ObjectId for one of the index's fields can collide, and only those are decoded
    and compared (800 progress documents: an update went from ~110 ms to a few ms, and it grew with the players).
12. ``$setUnion`` (and the de-duplication of ``$setIntersection`` / ``$setDifference``) finds
   the values already kept through a hash set for the values mongoeco's own set lookup hashes
   (strings, booleans, null, bytes, UUIDs, no collation) instead of comparing each value with
   every kept one through the full BSON comparison: linear instead of quadratic (the Players
   figures' distinct scenes of each player took half the aggregate's time).
13. ``$unwind`` of a top-level array copies each output document without copying the unwound
   array again for each of its elements (mongoeco deep-copied the whole document per element:
   quadratic in the array's length).
14. ``$sort`` on fields whose values are all of one plain kind (numbers, strings, dates or ObjectIds, no
    collation) sorts on native keys instead of comparing pairs of documents through mongoeco's BSON
    comparison. Django orders every scene and choice read by ``order`` then ``created_at``: sorting the
    1,000 choices of a 500-scene story took about as long as reading them.
15. ``$addFields`` of top-level fields (Django's ``$addFields`` before each ordered read) copies each
    document's top level instead of deep-copying the whole document: the fields it sets are the only ones
    it changes, and every other value is left untouched.
16. An ``aggregate`` whose whole pipeline is one ``$match`` (every read Django sends without an ordering:
    a whole story's scenes, choices and assets) is answered by mongoeco's ``find`` of the same filter, which
    gives the same documents in the same order without the aggregation's second pass over each of them.
17. ``$setUnion`` (shim 12's loop) keeps a value of an immutable built-in type (strings, numbers, booleans, null,
   bytes) as it is instead of passing it through ``copy.deepcopy``, which hands back that same object for them:
   the distinct scenes and choices of each player were ~20 % of the Players figures' ``$project``.
18. A read whose projection only includes fields (a `find` of the ids alone, an aggregate starting with
   ``$match`` then such a ``$project``) decodes only what the projection keeps: the stored JSON is parsed, the
   fields it leaves out are dropped (and, for ``a.b``, the other keys of the documents in ``a``), and only then
   are the tagged values (ObjectIds, dates: most of the decoding) turned into objects. Where what was kept is
   what the projection answers (fields absent or kept whole, documents or arrays of documents each keeping one
   of the keys) it is the answer; otherwise mongoeco's projection runs on it. A progress document is mostly its
   history's dates, which the Players figures never read.
19. mongoeco's renewal of its change consumers' registrations (every 60 s, from a thread and a SQLite connection
   of its own, outside shim 5's turns) waits until no transaction is open. A renewal committed between a
   transaction's first read and its first write failed that write at once with "database is locked".
20. The facts mongoeco learns about a collection before planning a query on a field ("does any document hold an
   array there? a real number? a tagged decimal?", each a scan of the whole collection in SQLite) survive a write:
   mongoeco forgot every fact of a collection at each write, so the next filtered query or update scanned it again
   (a player's step at 10,000 progress documents: ~0.4 s). Each such fact can only become true through a write, so
   a fact that was false is checked again against the documents that write stored (a temporary trigger notes
   them), with mongoeco's own check run on a scratch table of just those documents; a true one stays true (the
   general plan is right either way), a delete leaves them, and any other fact is forgotten as before. Every write
   of documents goes through the engine's own connection, the one the trigger is on.
21. An update that leaves every field of the collection's unique indexes as stored (and those their partial filters
   read) is not checked against the other documents: it cannot make a duplicate. Shim 11's narrowed scan still
   read the text of every progress document on each player's step (~40 ms at 10,000 of them).
22. An update of many documents (Django's ``QuerySet.update``, a player's step) whose filter names one ``_id`` by
   equality is run as an update of one: mongoeco's update of many scanned the whole collection for it (~40 ms at
   10,000 progress documents, against ~3 ms).
"""

import asyncio
import datetime
import functools
import inspect
import ipaddress
import logging
import math
import signal
import sqlite3
import threading
import time
from copy import copy, deepcopy
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from mongoeco.api._async._database_admin_write_commands import (
    DatabaseAdminWriteCommandService,
    _write_command_result,
)
from bson.int64 import Int64
from bson.objectid import ObjectId as BsonObjectId
from mongoeco.api._async import _collection_modify, raw_batch_cursor
from mongoeco.api.operations import compile_find_operation
from mongoeco.api._async._database_admin_read_commands import DatabaseAdminReadCommandService
from mongoeco.api._async._write_command_validation import write_command_acknowledged
from mongoeco.api._command_bson import command_boolean
from mongoeco.core.identity import id_contains_numeric_value
from mongoeco.core.paths import get_document_value
from mongoeco.core.aggregation import array_string_expressions, register_aggregation_expression_operator
from mongoeco.core.aggregation import runtime as aggregation_runtime
from mongoeco.core.aggregation import compiled_pipeline as aggregation_compiled_pipeline
from mongoeco.core.aggregation.runtime import _MISSING as AGGREGATION_MISSING
from mongoeco.core.aggregation.runtime import _REMOVE as AGGREGATION_REMOVE
from mongoeco.core.aggregation.runtime import _evaluate_expression_with_missing
from mongoeco.core.aggregation import grouping_stages as aggregation_grouping_stages
from mongoeco.core.aggregation import runtime_state as aggregation_runtime_state
from mongoeco.core.aggregation import stages as aggregation_stages
from mongoeco.core.aggregation import transform_stages as aggregation_transform_stages
from mongoeco.compat import MONGODB_DIALECT_70
from mongoeco.core import sorting
from mongoeco.core.bson_scalars import BsonDouble, BsonInt32, BsonInt64
from mongoeco.core.codec import DocumentCodec
from mongoeco.core.json_compat import json_loads
from mongoeco.core.projections import _ProjectionExecutor
from mongoeco.core.filtering import QueryEngine
from mongoeco.core.work_control import DeadlineCheckpoint
from mongoeco.engines import sqlite as mongoeco_sqlite
from mongoeco.engines import sqlite_query
from mongoeco.engines.sqlite import SQLiteEngine
from mongoeco.errors import BulkWriteError, InvalidOperation
from mongoeco.types import ObjectId as MongoecoObjectId
from mongoeco.types import WriteCommandResult, WriteErrorEntry
from mongoeco.wire import bson_bridge, protocol
from mongoeco.wire.proxy import AsyncMongoEcoProxyServer

logger = logging.getLogger(__name__)

IN_GROUP_SIZE = 50
TRANSACTION_LIFETIME_SECONDS = 60  # mongod's transactionLifetimeLimitSeconds default
TRANSACTION_POLL_SECONDS = 0.002
RENEWAL_RETRY_SECONDS = 0.05  # shim 19: how often a registration renewal held back by a transaction tries again
BUSY_ENGINE = "active transaction bound to another session"
# Handshake and monitoring commands read no data, so they never wait for another session's transaction:
# pymongo's monitor sends `hello` every few seconds, and a client that cannot get its answer marks the
# server unknown, clears its pool and fails the transaction's own next command (which left it open).
MONITORING_COMMANDS = frozenset({"hello", "isMaster", "ismaster", "ping", "buildInfo", "buildinfo"})


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
        _original_translate_membership(field, values[start : start + IN_GROUP_SIZE], negated=negated, **options)
        for start in range(0, len(values), IN_GROUP_SIZE)
    ]
    joiner = " AND " if negated else " OR "
    sql = joiner.join(f"({fragment_sql})" for fragment_sql, _ in fragments)
    params = [param for _, fragment_params in fragments for param in fragment_params]
    return f"({sql})", params


_original_append_unique_values = array_string_expressions._append_unique_values
# Shim 17: exact types `copy.deepcopy` returns unchanged (it copies subclasses' instances, which are left to it).
IMMUTABLE_TYPES = frozenset({str, int, float, bool, type(None), bytes})
KEEP_IMMUTABLE_SET_VALUES = [True]  # shim 17 on; off with use_aggregation_shims(False)


def _append_unique_values_hashed(
    target, values, *, dialect=array_string_expressions.MONGODB_DIALECT_70, collation=None
):
    """Shim 12: as mongoeco's `_append_unique_values` (append each value not equal to one in `target`), with the
    hashable values looked up in a set. A value with no hash key is compared, as before, with every kept one; a
    hashable one also with the kept values that have no hash key (so the result is the same value for value)."""
    if collation is not None:
        _original_append_unique_values(target, values, dialect=dialect, collation=collation)
        return
    lookup, residual = array_string_expressions._build_set_lookup(target, dialect=dialect)
    for value in values:
        key = array_string_expressions._hashable_set_lookup_key(value, dialect=dialect)
        if key is None:
            candidates = target
        elif key in lookup:
            continue
        else:
            candidates = residual
        if any(QueryEngine._values_equal(value, kept, dialect=dialect, collation=None) for kept in candidates):
            continue
        kept = value if type(value) in IMMUTABLE_TYPES and KEEP_IMMUTABLE_SET_VALUES[0] else deepcopy(value)
        target.append(kept)
        if key is None:
            residual.append(kept)
        else:
            lookup.add(key)


_original_apply_unwind = aggregation_runtime._apply_unwind


def _apply_unwind_copying_once(documents, spec, *, deadline=None):
    """Shim 13: `$unwind` of a top-level array field builds each output document from deep copies of the other
    fields and of its one element, in the same field order, instead of a deep copy of the whole document (the
    array included) per element. Dotted paths, and documents where the field is not a non-empty array, are
    unwound by mongoeco's own code."""
    field, _preserve, include_array_index = aggregation_runtime._require_unwind_spec(spec)
    if "." in field:
        return _original_apply_unwind(documents, spec, deadline=deadline)
    result = []
    checkpoint = DeadlineCheckpoint(deadline)
    for document in documents:
        checkpoint()
        value = document.get(field) if type(document) is dict else None
        if not isinstance(value, list) or not value:
            result.extend(_original_apply_unwind([document], spec, deadline=deadline))
            continue
        for index, item in enumerate(value):
            checkpoint()
            unwound = {name: deepcopy(item if name == field else other) for name, other in document.items()}
            if include_array_index is not None:
                unwound[include_array_index] = BsonInt64(index)
            result.append(unwound)
    return result


_original_sort_documents = sorting.sort_documents
SORT_NUMBER_TYPES = frozenset({int, float, BsonInt32, BsonInt64, BsonDouble, Int64})
SORT_OBJECT_ID_TYPES = frozenset({BsonObjectId, MongoecoObjectId})
# The modules that imported mongoeco's `sort_documents` by name (its own `sort_documents_window` included).
SORTING_MODULES = (
    sorting,
    aggregation_stages,
    aggregation_runtime_state,
    aggregation_compiled_pipeline,
    aggregation_grouping_stages,
)


def _native_sort_key(values: list):
    """A key function giving `values` the order mongoeco's comparison gives them, when they are all of one plain
    kind (numbers but NaN, strings, dates of one kind, ObjectIds); None for any other mix, left to mongoeco."""
    kinds = {type(value) for value in values}
    if kinds <= SORT_NUMBER_TYPES:
        numbers = [getattr(value, "value", value) for value in values]
        if any(isinstance(number, float) and math.isnan(number) for number in numbers):
            return None
        return lambda value: getattr(value, "value", value)
    if kinds == {str}:
        return lambda value: value
    if kinds == {datetime.datetime} and len({value.tzinfo is None for value in values}) == 1:
        return lambda value: value
    if kinds <= SORT_OBJECT_ID_TYPES:
        return lambda value: bytes(value.binary)
    return None


def _sort_documents_natively(documents, sort, *, dialect=MONGODB_DIALECT_70, collation=None, deadline=None):
    """Shim 14: mongoeco's `sort_documents` on native keys when every sorted field holds values of one plain kind:
    one stable sort per field, from the last to the first, so ties keep their order as in mongoeco's own sort."""
    if not sort or collation is not None or dialect is not MONGODB_DIALECT_70:
        return _original_sort_documents(documents, sort, dialect=dialect, collation=collation, deadline=deadline)
    documents = list(documents)
    decorated = [
        ([sorting.sort_value(document, field, direction) for field, direction in sort], document)
        for document in documents
    ]
    keys = [_native_sort_key([keys[index] for keys, _document in decorated]) for index in range(len(sort))]
    if None in keys:
        return _original_sort_documents(documents, sort, dialect=dialect, collation=collation, deadline=deadline)
    for index in reversed(range(len(sort))):
        key, descending = keys[index], sort[index][1] == -1
        decorated.sort(key=lambda pair, index=index, key=key: key(pair[0][index]), reverse=descending)
    return [document for _keys, document in decorated]


_original_apply_add_fields = aggregation_transform_stages._apply_add_fields
# The plain values answers hold (shim 10's fast path).
WIRE_PLAIN_TYPES = frozenset({str, int, float, bool, type(None), datetime.datetime, BsonObjectId, Int64})
# Values a deep copy would only duplicate (mongoeco's numeric wrappers are frozen dataclasses).
IMMUTABLE_VALUE_TYPES = WIRE_PLAIN_TYPES | {BsonInt32, BsonInt64, BsonDouble}
# The modules that imported mongoeco's `_apply_add_fields` by name, and the one that defines it.
ADD_FIELDS_MODULES = (
    aggregation_transform_stages,
    aggregation_stages,
    aggregation_runtime_state,
    aggregation_compiled_pipeline,
)


def _apply_add_fields_copying_top_level(documents, spec, variables=None, *, dialect=MONGODB_DIALECT_70, deadline=None):
    """Shim 15: `$addFields` of top-level fields copies each document's top level, then sets the evaluated fields
    as mongoeco does (deep copies of their values, but for immutable ones): the other values are shared with the
    input document, which nothing changes afterwards. Dotted paths, and documents that are not plain dicts, go through mongoeco's code."""
    if not isinstance(spec, dict) or any(not isinstance(path, str) or "." in path for path in spec):
        return _original_apply_add_fields(documents, spec, variables, dialect=dialect, deadline=deadline)
    result = []
    checkpoint = DeadlineCheckpoint(deadline)
    for document in documents:
        checkpoint()
        if type(document) is not dict:
            result.extend(_original_apply_add_fields([document], spec, variables, dialect=dialect, deadline=deadline))
            continue
        enriched = copy(document)
        for path, expression in spec.items():
            value = _evaluate_expression_with_missing(document, expression, variables, dialect=dialect)
            if value is AGGREGATION_REMOVE:
                enriched.pop(path, None)
            elif value is not AGGREGATION_MISSING:
                enriched[path] = value if type(value) in IMMUTABLE_VALUE_TYPES else deepcopy(value)
        result.append(enriched)
    return result


_original_execute_aggregate = DatabaseAdminReadCommandService.execute_aggregate_command
FIND_ONLY_OPERATORS = frozenset({"$where", "$near", "$nearSphere"})  # refused by `$match`: its error is kept


def _needs_the_aggregation(value) -> bool:
    """Whether a filter uses an operator only `find` accepts, or a variable (`$$NOW`...) the aggregation binds."""
    if isinstance(value, dict):
        return any(key in FIND_ONLY_OPERATORS or _needs_the_aggregation(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_needs_the_aggregation(item) for item in value)
    return isinstance(value, str) and value.startswith("$$")


async def _execute_aggregate_of_one_match_as_find(self, collection_name, operation, *, session=None):
    """Shim 16: an `aggregate` whose whole pipeline is one `$match`, with no collation, hint, variable or disk
    option (every read Django sends without an ordering, such as a whole story's scenes and choices), is answered
    by mongoeco's `find` of the same filter: the same documents in the same order, without the aggregation's
    second pass over each document (~30 % of the time of reading 1,000 choices)."""
    pipeline = operation.pipeline
    if (
        not isinstance(pipeline, list)
        or len(pipeline) != 1
        or not isinstance(pipeline[0], dict)
        or list(pipeline[0]) != ["$match"]
        or not isinstance(pipeline[0]["$match"], dict)
        or _needs_the_aggregation(pipeline[0]["$match"])
        or operation.collation is not None
        or operation.hint is not None
        or (operation.let is not None and getattr(operation.let, "bindings", None) != {})
        or operation.allow_disk_use is not None
        or operation.context is not None
    ):
        return await _original_execute_aggregate(self, collection_name, operation, session=session)
    find = compile_find_operation(
        pipeline[0]["$match"],
        comment=operation.comment,
        max_time_ms=operation.max_time_ms,
        batch_size=operation.batch_size,
        dialect=operation.dialect,
    )
    return await self.execute_find_command(collection_name, find, session=session)


_original_command_insert = DatabaseAdminWriteCommandService.command_insert
WRITE_ERROR_KEYS = ("index", "errmsg", "code", "op")


async def _command_insert_as_one_batch(self, spec, *, session=None):
    """The wire `insert` through the collection's batch insert: one SQLite transaction for all.

    mongoeco's command loops over `insert_one`, one commit each (a 2,000-passage import sent ~6,000
    of them); its `insert_many` already writes a batch in one write scope, with the same ordered /
    unordered outcome and per-document errors, which become the command's `writeErrors` as before.
    """
    documents = spec.get("documents")
    if not isinstance(documents, list) or len(documents) < 2:
        return await _original_command_insert(self, spec, session=session)
    admin = self._admin
    collection = admin._database.get_collection(admin._require_collection_name(spec.get("insert"), "insert"))
    documents = admin._normalize_insert_documents(documents)
    acknowledged = write_command_acknowledged(spec, dialect=admin._mongodb_dialect.key)
    try:
        inserted = await collection.insert_many(
            documents,
            ordered=admin._normalize_ordered_from_command(spec.get("ordered")),
            bypass_document_validation=command_boolean(
                spec.get("bypassDocumentValidation", False), "bypassDocumentValidation", numeric=True
            ),
            session=session,
        )
    except BulkWriteError as error:
        details = error.details or {}
        failures = [
            WriteErrorEntry(
                index=entry["index"],
                errmsg=entry["errmsg"],
                code=entry.get("code"),
                details={key: value for key, value in entry.items() if key not in WRITE_ERROR_KEYS},
            )
            for entry in details.get("writeErrors", [])
        ]
        result = WriteCommandResult(count=details.get("nInserted", 0), write_errors=failures or None)
    else:
        result = WriteCommandResult(count=len(inserted.inserted_ids))
    return _write_command_result(result, acknowledged=acknowledged)


_original_encode_wire_value = bson_bridge.encode_wire_value
# Exact types mongoeco's encoder hands back unchanged (bool, not int's subclasses: bson's Int64 is one).


def _encode_wire_value_fast(value):
    """mongoeco's `encode_wire_value`, answering plain values and plain containers without its type chain."""
    kind = type(value)
    if kind in WIRE_PLAIN_TYPES:
        return value
    if kind is dict:
        return {key: _encode_wire_value_fast(item) for key, item in value.items()}
    if kind is list:
        return [_encode_wire_value_fast(item) for item in value]
    return _original_encode_wire_value(value)


# Set while one document is checked against the collection's unique indexes (shim 11): the text an existing document
# must contain to be able to collide with it, or None to read every document as mongoeco does.
UNIQUE_SCAN_NEEDLE: ContextVar[str | None] = ContextVar("unique_scan_needle", default=None)


def _object_id_text(value) -> str | None:
    return str(value) if isinstance(value, (BsonObjectId, MongoecoObjectId)) else None


@dataclass(frozen=True)
class PruningPlan:
    """Shim 18: what a projection that only includes fields reads. `fields`: each top-level field kept, whole (None)
    or only some keys of its documents (`a.b`, `a.c`: {"a": {"b", "c"}}); `deep`: fields with a longer path below
    (`a.b.c`), whose kept keys are kept whole; `with_id`: whether `_id` is kept."""

    fields: dict[str, frozenset[str] | None]
    deep: frozenset[str]
    with_id: bool


def _pruning_plan(projection) -> PruningPlan | None:
    """The plan of a projection that only includes fields; None for any other (exclusions, operators, computed
    values, positional paths), whose documents are decoded whole as before."""
    if not isinstance(projection, dict) or not projection:
        return None
    fields: dict[str, frozenset[str] | None] = {}
    deep, with_id = set(), True
    for path, flag in projection.items():
        if type(flag) not in (bool, int) or flag not in (0, 1) or type(path) is not str or "$" in path:
            return None
        if path == "_id":
            with_id = bool(flag)
            continue
        parts = path.split(".")
        if not flag or not all(parts) or parts[0] == "_id":
            return None
        head = parts[0]
        if len(parts) == 1 or (head in fields and fields[head] is None):
            fields[head] = None
        else:
            fields[head] = (fields.get(head) or frozenset()) | {parts[1]}
            if len(parts) > 2:
                deep.add(head)
    if not fields and not with_id:
        return None  # `{"_id": 0}` alone leaves out `_id` and keeps the rest
    return PruningPlan(fields=fields, deep=frozenset(deep), with_id=with_id)


def _plain_document(value) -> bool:
    return type(value) is dict and MARKER not in value


def _pruned(document: dict, plan: PruningPlan) -> tuple[dict, bool]:
    """`document` (as stored: tagged values still tagged) with only what the projection can keep, and whether that is
    exactly what the projection answers. A field with kept keys is a document or an array of documents (then pruned
    to those keys) or anything else (kept as it is, and the projection, run after, decides, as it does when a
    document keeps none of the keys: mongoeco leaves those out of an array)."""
    kept, exact = {}, True
    if plan.with_id and "_id" in document:
        kept["_id"] = document["_id"]  # first, as mongoeco's projection answers it
    for key, value in document.items():
        if key not in plan.fields:
            continue
        keys = plan.fields[key]
        if keys is None:
            kept[key] = value
        elif _plain_document(value):
            kept[key] = pruned = {name: item for name, item in value.items() if name in keys}
            exact = exact and key not in plan.deep and bool(pruned)
        elif type(value) is list and all(_plain_document(item) for item in value):
            kept[key] = pruned = [{name: field for name, field in item.items() if name in keys} for item in value]
            exact = exact and key not in plan.deep and all(pruned)
        else:
            kept[key], exact = value, False
    return kept, exact


MARKER = DocumentCodec._MARKER
PRUNE_PROJECTED_READS = [True]  # shim 18 on; off with use_aggregation_shims(False)


@functools.cache
def _takes_wrapper_flag(decode) -> bool:
    try:
        return "preserve_bson_wrappers" in inspect.signature(decode).parameters
    except (TypeError, ValueError):
        return False


# Shim 20: the collection facts of mongoeco's features cache that say whether any document holds something, by the
# key's kind: the check that computes each, and how many arguments follow the field in the key.
GROWING_FACTS = {
    "tagged_type": ("_field_contains_tagged_value_type_in_collection", 1),
    "comparison_mismatch": ("_field_has_comparison_type_mismatch_in_collection", 1),
    "scalar_or_array_comparison_mismatch": ("_field_has_scalar_or_array_element_type_mismatch_in_collection", 1),
    "traverses_array": ("_field_traverses_array_in_collection", 0),
    "traverses_dbref": ("_field_traverses_dbref_in_collection", 0),
    "top_level_array": ("_field_is_top_level_array_in_collection", 0),
    "contains_real_numeric": ("_field_contains_real_numeric_in_collection", 0),
    "contains_non_ascii_text": ("_field_contains_non_ascii_text_in_collection", 0),
}
KEEP_FACTS_ACROSS_WRITES = [True]  # shim 20 on; off to measure it (bench) or in its test
NOTE_WRITTEN_DOCUMENTS = (
    """CREATE TEMP TABLE IF NOT EXISTS written_documents (
        db_name TEXT NOT NULL, coll_name TEXT NOT NULL, storage_key TEXT NOT NULL,
        PRIMARY KEY (db_name, coll_name, storage_key))""",
    *(
        f"""CREATE TEMP TRIGGER IF NOT EXISTS note_{event.lower()}d_document AFTER {event} ON main.documents BEGIN
            INSERT OR IGNORE INTO written_documents VALUES (NEW.db_name, NEW.coll_name, NEW.storage_key);
        END"""
        for event in ("INSERT", "UPDATE")
    ),
)


def _forget_noted(connection, where: str, parameters: tuple) -> None:
    """Delete noted writes without leaving a transaction open that mongoeco did not begin (sqlite3 opens one
    before a DELETE outside any): mongoeco's next BEGIN would fail."""
    was_open = connection.in_transaction
    connection.execute(f"DELETE FROM temp.written_documents {where}", parameters)
    if not was_open:
        connection.commit()


def _growing_fact(kind_and_arguments: str) -> tuple[str, tuple[str, ...]] | None:
    """The check and its arguments (field, then the rest) of a features-cache key that grows with writes."""
    kind, _, rest = kind_and_arguments.partition(":")
    if kind not in GROWING_FACTS:
        return None
    check, extra = GROWING_FACTS[kind]
    arguments = tuple(rest.rsplit(":", extra)) if extra else (rest,)
    return (check, arguments) if len(arguments) == extra + 1 else None


class EmbeddedSQLiteEngine(SQLiteEngine):
    """mongoeco's SQLite engine with inserts that stay flat as a collection grows, and shared reads.

    Inserts: mongoeco scans every stored document on each insert to catch duplicate numeric
    `_id`s (1 and 1.0 are equal in BSON). It still does that scan itself whenever the
    new `_id` contains a number; for ObjectIds and strings the indexed storage-key
    check that runs before it is enough.
    """

    def _can_use_dedicated_reader(self, context) -> bool:
        """Reads share the engine's connection, as mongoeco does for in-memory databases.

        A dedicated reader is a fresh SQLite connection opened and closed for every
        multi-document read (~14 % of the server's time under bench/load.py); it only let
        reads run beside writes, and commands now run one at a time (shim 5).
        """
        self._ensure_session_can_use_engine(context)
        return False

    def _maintain_ephemeral_registrations(self, state) -> None:
        """mongoeco's renewal of its change consumers' registrations (a thread of its own, a SQLite connection of
        its own, every 60 s), each renewal waiting until no transaction is open (shim 19).

        A transaction begins deferred and takes its SQLite snapshot at its first read. A renewal committed by this
        other connection after that read and before the transaction's first write made the write fail at once with
        "database is locked" (SQLite cannot move a stale snapshot to a write). Holding the engine's lock, which
        every write and the start of every transaction take, no transaction can begin while a renewal commits.
        """
        connection = None
        try:
            connection = self._create_sqlite_connection()
            while not state.stop.wait(mongoeco_sqlite._EPHEMERAL_CHANGE_CONSUMER_HEARTBEAT_SECONDS):
                while not self._renew_registrations_unless_in_a_transaction(connection):
                    if state.stop.wait(RENEWAL_RETRY_SECONDS):
                        return
        except BaseException as error:  # mongoeco's contract: the heartbeat's error is raised at the next registration
            state.fail(error)
        finally:
            if connection is not None:
                connection.close()

    def _renew_registrations_unless_in_a_transaction(self, connection) -> bool:
        with self._lock:
            if self._transaction_owner_session_id is not None:
                return False
            mongoeco_sqlite._sqlite_renew_ephemeral_consumers(
                connection,
                owner_instance=self._change_dispatch_owner,
                now_epoch=time.time(),
                ttl_seconds=mongoeco_sqlite._EPHEMERAL_CHANGE_CONSUMER_TTL_SECONDS,
            )
            connection.commit()
            return True

    def _connect_sync(self) -> None:
        super()._connect_sync()
        connection = self._connection
        if connection is not None and getattr(self, "_noting_writes_on", None) is not connection:
            for statement in NOTE_WRITTEN_DOCUMENTS:
                connection.execute(statement)
            self._noting_writes_on = connection

    def _require_connection(self, context=None):
        scratch = getattr(self._checking_written(), "connection", None)
        return scratch if scratch is not None else super()._require_connection(context)

    def _checking_written(self) -> threading.local:
        local = getattr(self, "_written_check", None)
        if local is None:
            local = self._written_check = threading.local()
        return local

    def _invalidate_collection_features_cache(self, db_name=None, coll_name=None) -> None:
        """What a write makes mongoeco forget about a collection, less the facts it cannot have changed (shim 20)."""
        connection = getattr(self, "_noting_writes_on", None)
        if connection is None or connection is not self._connection:
            return super()._invalidate_collection_features_cache(db_name, coll_name)
        if db_name is None or coll_name is None or not KEEP_FACTS_ACROSS_WRITES[0]:
            _forget_noted(connection, "", ())
            return super()._invalidate_collection_features_cache(db_name, coll_name)
        written = connection.execute(  # CROSS JOIN: SQLite loops over the few noted documents, not the collection
            """
            SELECT d.db_name, d.coll_name, d.storage_key, d.document
            FROM temp.written_documents AS w
            CROSS JOIN main.documents AS d
              ON d.db_name = w.db_name AND d.coll_name = w.coll_name AND d.storage_key = w.storage_key
            WHERE w.db_name = ? AND w.coll_name = ?
            """,
            (db_name, coll_name),
        ).fetchall()
        _forget_noted(connection, "WHERE db_name = ? AND coll_name = ?", (db_name, coll_name))
        facts = self._collection_features_cache
        recheck = []
        for key in [key for key in facts if key[:2] == (db_name, coll_name)]:
            fact = _growing_fact(key[2])
            if fact is None:
                facts.pop(key, None)
            elif facts[key] is False and written:  # nothing written (a delete): no fact grew
                recheck.append((key, fact))
        if recheck:
            self._recheck_against(written, recheck)

    def _recheck_against(self, written: list[tuple], recheck: list) -> None:
        """Each fact of `recheck` that was false becomes what mongoeco's check finds among the written documents alone,
        on a scratch table holding just them."""
        scratch = getattr(self, "_scratch_documents", None)
        if scratch is None:
            scratch = self._scratch_documents = sqlite3.connect(":memory:", check_same_thread=False)
            scratch.execute("CREATE TABLE documents (db_name TEXT, coll_name TEXT, storage_key TEXT, document TEXT)")
        scratch.execute("DELETE FROM documents")
        scratch.executemany("INSERT INTO documents VALUES (?, ?, ?, ?)", written)
        facts, local = self._collection_features_cache, self._checking_written()
        local.connection = scratch
        try:
            for key, (check, arguments) in recheck:
                del facts[key]
                found = getattr(self, check)(key[0], key[1], *arguments)
                facts[key] = bool(found)
        finally:
            local.connection = None

    def _validate_document_against_unique_indexes(self, db_name, coll_name, document, *args, **kwargs):
        """mongoeco's check, with the scans it falls back to narrowed to the documents that can collide (shim 11).

        mongoeco checks a unique index of one field through its SQL index, but for one of several fields it decodes
        every stored document. A duplicate has the same value in each of the index's fields, so when the document
        holds an ObjectId in one of them, only stored documents whose text holds that ObjectId's hex can be one.
        Narrowed only when the collection has a single unique index besides `_id` and the `_id` is not numeric
        (mongoeco's own `_id` scan then never runs), so the narrowed scan serves that one index alone.
        """
        stored_as = kwargs.get("exclude_storage_key")
        if stored_as is not None and self._unique_fields_unchanged(db_name, coll_name, document, stored_as):
            return None  # shim 21
        needle = self._unique_scan_needle(db_name, coll_name, document)
        token = UNIQUE_SCAN_NEEDLE.set(needle)
        try:
            return super()._validate_document_against_unique_indexes(
                db_name, coll_name, document, *args, **{**kwargs, "scan_payload_id": False}
            )
        finally:
            UNIQUE_SCAN_NEEDLE.reset(token)

    def _unique_fields_unchanged(self, db_name, coll_name, document, storage_key) -> bool:
        """Whether an update leaves every field of the collection's unique indexes (and of their partial filters) as
        stored: then it cannot make a duplicate (shim 21). An `_id` never changes in an update."""
        fields = set()
        for index in self._load_indexes(db_name, coll_name):
            if not index["unique"] or list(index["fields"]) == ["_id"]:
                continue
            partial = index.get("partial_filter_expression") or {}
            if any(key.startswith("$") for key in partial):
                return False  # a filter of operators: left to mongoeco's check
            fields.update(index["fields"], partial)
        if not fields:
            return False
        row = (
            self._require_connection()
            .execute(
                "SELECT document FROM documents WHERE db_name = ? AND coll_name = ? AND storage_key = ?",
                (db_name, coll_name, storage_key),
            )
            .fetchone()
        )
        if row is None:
            return False
        stored = self._deserialize_document(row[0])
        return all(get_document_value(stored, field) == get_document_value(document, field) for field in fields)

    def _unique_scan_needle(self, db_name, coll_name, document) -> str | None:
        if "_id" in document and id_contains_numeric_value(document["_id"]):
            return None
        unique = [index for index in self._load_indexes(db_name, coll_name) if index["unique"]]
        unique = [index for index in unique if list(index["fields"]) != ["_id"]]
        if len(unique) != 1 or len(unique[0]["fields"]) < 2:
            return None
        for field in unique[0]["fields"]:
            found, value = get_document_value(document, field)
            if found and (text := _object_id_text(value)):
                return text
        return None

    def _load_documents(self, db_name, coll_name):
        """Every stored document of a collection, or during shim 11's check only those whose text holds the needle."""
        needle = UNIQUE_SCAN_NEEDLE.get()
        if needle is None:
            yield from super()._load_documents(db_name, coll_name)
            return
        cursor = self._require_connection().execute(
            "SELECT storage_key, document FROM documents WHERE db_name = ? AND coll_name = ? AND instr(document, ?) > 0",
            (db_name, coll_name, needle),
        )
        try:
            for storage_key, document in cursor:
                yield storage_key, self._deserialize_document(document)
        finally:
            cursor.close()

    def _project_sql_scan_rows(self, rows, semantics, reader):
        """mongoeco's, with a projection that only includes fields applied to documents decoded without the fields
        it leaves out (shim 18)."""
        plan = _pruning_plan(semantics.projection) if PRUNE_PROJECTED_READS[0] else None
        if plan is None or self._codec is not DocumentCodec:
            return super()._project_sql_scan_rows(rows, semantics, reader)
        project = _ProjectionExecutor(
            semantics.projection, selector_filter=semantics.filter_spec, dialect=semantics.dialect
        )
        return (self._read_projected(payload, plan, project) for (payload,) in rows)

    def _read_projected(self, payload: str, plan: PruningPlan, project):
        """The projected document: what the projection keeps decoded, and projected unless it already is."""
        kept, exact = _pruned(json_loads(payload), plan)
        if MARKER in payload:
            kept = self._decode_codec_payload(kept, preserve_bson_wrappers=True)
        return kept if exact else project(kept)

    def _decode_codec_payload(self, payload, *, preserve_bson_wrappers: bool):
        """mongoeco's, with the codec's signature inspected once per codec instead of once per document (shim 9)."""
        decode = self._codec.decode
        if _takes_wrapper_flag(decode):
            return decode(payload, preserve_bson_wrappers=preserve_bson_wrappers)
        return decode(payload)


class EmbeddedMongoServer(AsyncMongoEcoProxyServer):
    """mongoeco's wire server, also answering `buildinfo` (shim 1), running one command at a time (shim 5)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        build_request_context = self._executor._build_request_context

        def build_with_aliases(body, **options):
            if body and next(iter(body)) == "buildinfo":
                body = {("buildInfo" if key == "buildinfo" else key): value for key, value in body.items()}
            return build_request_context(body, **options)

        self._executor._build_request_context = build_with_aliases
        self._transactions = TransactionTurns(kwargs["engine"])
        self._one_at_a_time = asyncio.Lock()
        execute_prepared = self._executor.execute_prepared

        async def execute_in_turn(context):
            if context.command_name not in MONITORING_COMMANDS and self._transactions.blocked(context.session):
                ENGINE_WAS_BUSY.set(True)
                raise InvalidOperation(f"SQLiteEngine has an {BUSY_ENGINE}")
            try:
                return await execute_prepared(context)
            finally:
                self._transactions.note_owner(context.session)

        self._executor.execute_prepared = execute_in_turn

    def _decode_wire_context(self, *args, **kwargs):
        """Starting a transaction happens here, while decoding: it fails while another one is open."""
        try:
            return super()._decode_wire_context(*args, **kwargs)
        except InvalidOperation as error:
            ENGINE_WAS_BUSY.set(BUSY_ENGINE in str(error))
            raise

    async def _dispatch_wire_request(self, header, payload, *, connection):
        """One command at a time; one refused because another session's transaction is open waits for it.

        mongoeco runs commands in worker threads against one SQLite connection, and starts
        transactions on the event loop: concurrent commands raced ("database is locked", or a
        transaction begun under a running write). A refused command did nothing (mongoeco restores
        the session's state), so it runs again once the transaction is over; its refusal is never sent.
        """
        while True:
            async with self._one_at_a_time:
                ENGINE_WAS_BUSY.set(False)
                response = await super()._dispatch_wire_request(header, payload, connection=connection)
                if not ENGINE_WAS_BUSY.get():
                    return response
            await self._transactions.wait_for_turn()


# Set (per connection task) when a command was refused because another session's transaction was open.
ENGINE_WAS_BUSY: ContextVar[bool] = ContextVar("engine_was_busy", default=False)


class TransactionTurns:
    """One transaction at a time on the SQLite engine: other sessions' commands wait their turn."""

    def __init__(self, engine: SQLiteEngine):
        self.engine = engine
        self.owner = None  # the ClientSession whose transaction is open, once seen
        self.owner_since = 0.0

    def blocked(self, session) -> bool:
        owner_id = self.engine._transaction_owner_session_id
        return owner_id is not None and (session is None or session.session_id != owner_id)

    async def wait_for_turn(self) -> None:
        """Until no transaction is open (an abandoned one is aborted after its lifetime)."""
        while self.engine._transaction_owner_session_id is not None:
            self._abort_if_abandoned()
            await asyncio.sleep(TRANSACTION_POLL_SECONDS)

    def note_owner(self, session) -> None:
        owner_id = self.engine._transaction_owner_session_id
        if owner_id is None:
            self.owner = None
        elif session is not None and session.session_id == owner_id and self.owner is not session:
            self.owner, self.owner_since = session, time.monotonic()

    def _abort_if_abandoned(self) -> None:
        owner = self.owner
        if owner is None or time.monotonic() - self.owner_since < TRANSACTION_LIFETIME_SECONDS:
            return
        logger.warning(
            "Aborting a transaction open for more than %s s (its client is gone?)", TRANSACTION_LIFETIME_SECONDS
        )
        self.owner = None
        if owner.transaction_active:
            owner.abort_transaction()


_shims_installed = False


def _at_most_one(query) -> bool:
    """Whether a filter names one `_id` by equality, so that it matches one document at most."""
    if not isinstance(query, dict) or "_id" not in query:
        return False
    value = query["_id"]
    if not isinstance(value, dict):
        return True
    operators = [key for key in value if isinstance(key, str) and key.startswith("$")]
    return not operators or (operators == ["$eq"] and len(value) == 1)


_original_execute_server_update = _collection_modify.execute_server_update


async def _execute_update_of_one_id_as_update_one(collection, query, change, *, multi=False, **options):
    """An update of many documents whose filter names one `_id` updates that one document, as an update of one does
    (shim 22): mongoeco's update of many compiles a scan of the whole collection for it."""
    if multi and _at_most_one(query):
        multi = False
    return await _original_execute_server_update(collection, query, change, multi=multi, **options)


def install_shims() -> None:
    """Install the process-wide shims (idempotent)."""
    global _shims_installed
    if _shims_installed:
        return
    register_aggregation_expression_operator("$not", _not_expression)
    sqlite_query._translate_membership = _translate_membership_in_groups
    DatabaseAdminWriteCommandService.command_insert = _command_insert_as_one_batch
    # Shim 10: the bridge's own recursion and the wire protocol's replies both use the fast path.
    bson_bridge.encode_wire_value = _encode_wire_value_fast
    protocol.encode_wire_value = _encode_wire_value_fast
    raw_batch_cursor.encode_wire_value = _encode_wire_value_fast
    _collection_modify.execute_server_update = _execute_update_of_one_id_as_update_one
    use_aggregation_shims(True)
    _shims_installed = True


def use_aggregation_shims(enabled: bool) -> None:
    """Shims 12 to 18 on (as `install_shims` leaves them) or off: bench/analytics.py and bench/graphql_story.py
    time both in one run."""
    KEEP_IMMUTABLE_SET_VALUES[0] = enabled
    PRUNE_PROJECTED_READS[0] = enabled
    array_string_expressions._append_unique_values = (
        _append_unique_values_hashed if enabled else _original_append_unique_values
    )
    aggregation_stages._apply_unwind = _apply_unwind_copying_once if enabled else _original_apply_unwind
    aggregation_runtime_state._apply_unwind = _apply_unwind_copying_once if enabled else _original_apply_unwind
    for module in SORTING_MODULES:
        module.sort_documents = _sort_documents_natively if enabled else _original_sort_documents
    for module in ADD_FIELDS_MODULES:
        module._apply_add_fields = _apply_add_fields_copying_top_level if enabled else _original_apply_add_fields
    DatabaseAdminReadCommandService.execute_aggregate_command = (
        _execute_aggregate_of_one_match_as_find if enabled else _original_execute_aggregate
    )


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    @property
    def uri(self) -> str:
        return f"mongodb://{self.host}:{self.port}/"


class ExposedBindError(ValueError):
    """The embedded server was asked to listen beyond this machine."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refuse_exposed_bind(host: str, *, allow_remote: bool) -> None:
    """The embedded server has no users or passwords: it listens on loopback unless explicitly allowed."""
    if not is_loopback(host) and not allow_remote:
        raise ExposedBindError(
            f"The embedded MongoDB has no authentication, so it listens on this machine only (127.0.0.1, ::1 or "
            f"localhost), not on “{host}”. Use MONGODB_URI for a server other machines reach (with a password), "
            f"or set EMBEDDED_ALLOW_REMOTE_BIND=true if this network is yours alone."
        )


def build_server(*, path: Path, host: str, port: int, allow_remote: bool = False) -> EmbeddedMongoServer:
    refuse_exposed_bind(host, allow_remote=allow_remote)
    install_shims()
    path.parent.mkdir(parents=True, exist_ok=True)
    return EmbeddedMongoServer(engine=EmbeddedSQLiteEngine(str(path)), host=host, port=port)


async def serve_forever(
    *, path: Path, host: str, port: int, started=None, allow_remote: bool = False, stop_signals=(), stopping=None
) -> None:
    """Run the server until cancelled or until one of `stop_signals` arrives; `started(address)` is called once it
    listens, `stopping()` when a stop signal arrives.

    A stop signal is handled by the event loop (`loop.add_signal_handler`), between two of its callbacks: the
    server then closes its connections and its engine. A Python signal handler that raised KeyboardInterrupt (as
    this did before) could land in the middle of any of mongoeco's callbacks and leave a half-done task behind,
    which the shutdown then waited for.
    """
    server = build_server(path=path, host=host, port=port, allow_remote=allow_remote)
    bound = await server.start()
    address = Address(bound.host, bound.port)
    logger.info("Embedded MongoDB listening on %s (data: %s)", address.uri, path)
    if started is not None:
        started(address)
    loop, stop = asyncio.get_running_loop(), asyncio.Event()

    def asked_to_stop(signum):
        logger.info("Embedded MongoDB stopping (%s).", signal.Signals(signum).name)
        if stopping is not None:
            stopping()
        stop.set()

    for signum in stop_signals:
        loop.add_signal_handler(signum, asked_to_stop, signum)
    try:
        await stop.wait()
    finally:
        for signum in stop_signals:
            loop.remove_signal_handler(signum)
        await server.close()
