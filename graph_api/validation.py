"""Validation rules against query bombs, beside graphql-core's own and the depth limit."""

from graphql import GraphQLError
from graphql.validation import ValidationRule


def max_aliases_rule(limit: int):
    """Refuse documents that ask for the same fields under many names (alias amplification)."""

    class MaxAliasesRule(ValidationRule):
        def __init__(self, context):
            super().__init__(context)
            self.aliases = 0

        def enter_field(self, node, *args):
            if node.alias is not None:
                self.aliases += 1
                if self.aliases == limit + 1:
                    self.report_error(GraphQLError(
                        f"This query uses more than {limit} aliases; ask for fewer fields at once.", node,
                        extensions={"code": "BAD_USER_INPUT"}))

    return MaxAliasesRule
