"""How GraphQL queries are executed: synchronously, as every resolver here is (the Django ORM)."""

import inspect
from functools import partial

from graphene.types.resolver import dict_or_attr_resolver
from graphql import ExecutionContext, GraphQLField, GraphQLNonNull, GraphQLObjectType, Undefined, is_leaf_type


class PlainLeaf:
    """A field read straight off its parent: graphene's default resolver (an attribute or a key), no arguments, a
    scalar or enum type. `read` returns its serialized value, or Undefined where graphql-core's own execution must
    run to say what went wrong (an error, a null for a non-null field, a value that does not serialize)."""

    __slots__ = ("attname", "default", "leaf_type", "non_null")

    def __init__(self, attname: str, default, leaf_type, non_null: bool):
        self.attname, self.default, self.leaf_type, self.non_null = attname, default, leaf_type, non_null

    @classmethod
    def of(cls, field: GraphQLField) -> "PlainLeaf | None":
        resolve, field_type = field.resolve, field.type
        if not (isinstance(resolve, partial) and resolve.func is dict_or_attr_resolver and len(resolve.args) == 2):
            return None
        if field.args or resolve.keywords:
            return None
        non_null = isinstance(field_type, GraphQLNonNull)
        leaf_type = field_type.of_type if non_null else field_type
        return cls(*resolve.args, leaf_type, non_null) if is_leaf_type(leaf_type) else None

    def read(self, source):
        try:
            if isinstance(source, dict):
                value = source.get(self.attname, self.default)
            else:
                value = getattr(source, self.attname, self.default)
            if value is None:
                return Undefined if self.non_null else None
            if isinstance(value, Exception) or inspect.iscoroutine(value):
                return Undefined
            serialized = self.leaf_type.serialize(value)
        except Exception:  # graphql-core's execution of the field raises it again, and reports it where it belongs
            return Undefined
        return Undefined if serialized is None else serialized


# Each field of the schema, looked at once: its PlainLeaf, or None (the schema lives as long as the process).
_plain_leaves: dict[int, tuple[GraphQLField, PlainLeaf | None]] = {}


def _plain_leaf(parent_type: GraphQLObjectType, name: str) -> PlainLeaf | None:
    field = parent_type.fields.get(name)
    if field is None:
        return None
    known = _plain_leaves.get(id(field))
    if known is None or known[0] is not field:
        known = _plain_leaves[id(field)] = (field, PlainLeaf.of(field))
    return known[1]


class SynchronousExecutionContext(ExecutionContext):
    """graphql-core's execution, with two shortcuts that give the same answers:

    - a cheaper awaitable test on each resolved value. Its default test also looks for an `__await__` attribute on
      every value, which on a model instance raises and catches an AttributeError: ~46,000 times for a 500-scene
      story. No resolver here returns anything awaitable but a coroutine, which is still recognised;
    - a field read straight off its parent (`PlainLeaf`: a title, an order, a flag) is read and serialized here,
      without the resolve info, path and argument values graphql-core builds for every field: most of the ~13,000
      fields of a 500-scene story. Any other field, and any such field whose value is missing, wrong or raises,
      goes through graphql-core's own `execute_field`, errors and all.
    """

    is_awaitable = staticmethod(inspect.iscoroutine)

    def execute_fields(self, parent_type, source_value, path, fields):
        if self.middleware_manager is not None and self.middleware_manager.middlewares:  # they see every field
            return super().execute_fields(parent_type, source_value, path, fields)
        results, slow = {}, {}
        for response_name, field_nodes in fields.items():
            name = field_nodes[0].name.value
            leaf = None if name.startswith("__") else _plain_leaf(parent_type, name)
            value = Undefined if leaf is None else leaf.read(source_value)
            if value is Undefined:
                results[response_name] = None  # keeps the response's field order; set below
                slow[response_name] = field_nodes
            else:
                results[response_name] = value
        if not slow:
            return results
        done = super().execute_fields(parent_type, source_value, path, slow)
        if self.is_awaitable(done):
            return self._merged_later(results, slow, done)
        return _merged(results, slow, done)

    @staticmethod
    async def _merged_later(results: dict, slow: dict, done) -> dict:
        return _merged(results, slow, await done)


def _merged(results: dict, slow: dict, done: dict) -> dict:
    """The plain fields' values and graphql-core's for the others, in the query's order; a field graphql-core left
    out (one the type does not have) is left out here too."""
    return {
        name: done[name] if name in slow else value
        for name, value in results.items()
        if name not in slow or name in done
    }
