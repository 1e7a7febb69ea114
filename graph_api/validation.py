"""Validation rules against query bombs, beside graphql-core's own and the depth limit.

Both rules measure the operation as it will run: fragments are expanded where they are spread
(a fragment spread ten times counts ten times), so fragments cannot hide aliases or nested lists.
"""

from dataclasses import dataclass

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.validation import ValidationRule

from story_admin.exceptions import ErrorCode

# A list is counted as this many items, whatever it holds when the query runs; `first`/`last`
# written in the query count as what they ask for (at most the page size).
LIST_FACTOR = 10
PAGE_ARGUMENTS = ("first", "last")


@dataclass(frozen=True)
class Measure:
    cost: int  # fields resolved, each counted once per item of the lists around it
    aliases: int


class _Measurer:
    """Walks an operation with fragments expanded; each fragment is measured once (memoised)."""

    def __init__(self, context, page_size: int):
        self.context = context
        self.page_size = page_size
        self.fragments: dict[tuple, Measure] = {}
        self.expanding: set[str] = set()

    def selection_set(self, selection_set, parent_type, page: int | None = None) -> Measure:
        cost = aliases = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                measure = self.field(selection, parent_type, page)
            elif isinstance(selection, InlineFragmentNode):
                measure = self.selection_set(
                    selection.selection_set, self._type(selection.type_condition, parent_type), page
                )
            elif isinstance(selection, FragmentSpreadNode):
                measure = self.fragment(selection.name.value, page)
            else:
                continue
            cost, aliases = cost + measure.cost, aliases + measure.aliases
        return Measure(cost, aliases)

    def field(self, node: FieldNode, parent_type, page: int | None) -> Measure:
        aliases = 1 if node.alias is not None else 0
        name = node.name.value
        if name.startswith("__"):  # introspection (__typename, __schema): tooling, off in production
            return Measure(0, aliases)
        definition = getattr(get_named_type(parent_type), "fields", {}).get(name) if parent_type else None
        if definition is None:  # unknown field: graphql-core's own rules report it
            return Measure(1, aliases)
        items, field_type = 1, definition.type
        while True:
            field_type = get_nullable_type(field_type)
            if not is_list_type(field_type):
                break
            items *= page or LIST_FACTOR
            page = None
            field_type = field_type.of_type
        children = self.selection_set(node.selection_set, get_named_type(field_type), self._page(node))
        return Measure(1 + items * children.cost, aliases + children.aliases)

    def fragment(self, name: str, page: int | None) -> Measure:
        key = (name, page)
        if key in self.fragments:
            return self.fragments[key]
        fragment = self.context.get_fragment(name)
        if fragment is None or name in self.expanding:  # unknown or cyclic: reported by graphql-core's rules
            return Measure(0, 0)
        self.expanding.add(name)
        measure = self.selection_set(fragment.selection_set, self._type(fragment.type_condition, None), page)
        self.expanding.discard(name)
        self.fragments[key] = measure
        return measure

    def _type(self, condition, default):
        if condition is None:
            return default
        return self.context.schema.get_type(condition.name.value) or default

    def _page(self, node: FieldNode) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value in PAGE_ARGUMENTS and isinstance(argument.value, IntValueNode):
                return max(min(int(argument.value.value), self.page_size), 1)
        return None


def measure_operation(context, operation: OperationDefinitionNode, page_size: int) -> Measure:
    root = {
        "query": context.schema.query_type,
        "mutation": context.schema.mutation_type,
        "subscription": context.schema.subscription_type,
    }[operation.operation.value]
    return _Measurer(context, page_size).selection_set(operation.selection_set, root)


class QueryLimitsRule(ValidationRule):
    """Refuse an operation with more than GRAPHQL_MAX_ALIASES aliases or a cost over GRAPHQL_MAX_COST, both
    counted with its fragments expanded (cost: fields times list sizes, see LIST_FACTOR)."""

    def enter_operation_definition(self, node, *args):
        max_aliases, max_cost = settings.GRAPHQL_MAX_ALIASES, settings.GRAPHQL_MAX_COST
        measure = measure_operation(self.context, node, settings.GRAPHQL_MAX_PAGE_SIZE)
        if measure.aliases > max_aliases:
            self.report_error(
                GraphQLError(
                    f"This query uses more than {max_aliases} aliases ({measure.aliases}, fragments included); "
                    "ask for fewer fields at once.",
                    node,
                    extensions={"code": ErrorCode.BAD_USER_INPUT},
                )
            )
        if measure.cost > max_cost:
            self.report_error(
                GraphQLError(
                    f"This query is too costly: its cost is {measure.cost} (fields times list sizes, each list "
                    f"counted as {LIST_FACTOR} items), over the limit of {max_cost}. Ask for fewer nested lists "
                    "at once, or split the query.",
                    node,
                    extensions={"code": ErrorCode.BAD_USER_INPUT},
                )
            )
