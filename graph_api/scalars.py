"""The contract's scalars: JSONString (a JSON string or an object literal) and Upload (a multipart file)."""

import json

import graphene
from django.core.files import File
from graphql import GraphQLError
from graphql.language import ast

from story_admin.exceptions import ErrorCode

NOT_A_FILE = (
    "Send the file as a part of a multipart request (GraphQL multipart request specification), "
    "with its variable set to null in `operations` and named in `map`."
)


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
                raise GraphQLError(
                    f"Not valid JSON: {error.msg} (at character {error.pos}).",
                    extensions={"code": ErrorCode.BAD_USER_INPUT},
                ) from None
        return value

    @classmethod
    def parse_literal(cls, node, _variables=None):
        if isinstance(node, ast.StringValueNode):
            return cls.parse_value(node.value)
        return _literal_value(node)


class Upload(graphene.Scalar):
    """A file sent as a part of a multipart request (GraphQL multipart request specification)."""

    @staticmethod
    def serialize(value):
        return value

    @staticmethod
    def parse_value(value):
        if isinstance(value, File):
            return value
        raise GraphQLError(NOT_A_FILE, extensions={"code": ErrorCode.BAD_USER_INPUT})

    @staticmethod
    def parse_literal(node, _variables=None):
        raise GraphQLError(NOT_A_FILE, extensions={"code": ErrorCode.BAD_USER_INPUT})
