"""The contract's JSONString: written as a JSON string, read from a JSON string or an object literal."""

import json

import graphene
from graphql.language import ast


def _literal_value(node):
    if isinstance(node, ast.ObjectValueNode):
        return {field.name.value: _literal_value(field.value) for field in node.fields}
    if isinstance(node, ast.ListValueNode):
        return [_literal_value(value) for value in node.values]
    if isinstance(node, ast.IntValueNode):
        return int(node.value)
    if isinstance(node, ast.FloatValueNode):
        return float(node.value)
    if isinstance(node, ast.NullValueNode):
        return None
    return node.value


class JSONString(graphene.Scalar):
    """A JSON document. Old clients send it as a string; an object literal is accepted too."""

    @staticmethod
    def serialize(value):
        return json.dumps(value if value is not None else {}, default=str)

    @staticmethod
    def parse_value(value):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as error:
                raise ValueError(f"Not valid JSON: {error.msg} (at character {error.pos}).") from None
        return value

    @classmethod
    def parse_literal(cls, node, _variables=None):
        if isinstance(node, ast.StringValueNode):
            return cls.parse_value(node.value)
        return _literal_value(node)
