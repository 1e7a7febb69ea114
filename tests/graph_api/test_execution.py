"""How queries are executed (graph_api/execution.py): the same answers as graphql-core's own execution, errors
included, with the fields read straight off their parent not going through its per-field machinery."""

import graphene
import pytest
from graphql import ExecutionContext, graphql_sync

from graph_api.execution import SynchronousExecutionContext


class Shelf:
    def __init__(self, name, count=None):
        self.name, self.count = name, count

    @property
    def broken(self):
        raise ValueError("the shelf is on fire")


class Book(graphene.ObjectType):
    title = graphene.String(required=True)
    pages = graphene.Int()
    kind = graphene.Enum("Kind", [("NOVEL", "novel"), ("ESSAY", "essay")])()
    loud_title = graphene.String()

    def resolve_loud_title(parent, info):
        return parent["title"].upper()


class ShelfType(graphene.ObjectType):
    name = graphene.String(required=True)
    count = graphene.Int(required=True)
    broken = graphene.String()
    books = graphene.List(Book)

    def resolve_books(parent, info):
        return [
            {"title": "Le Horla", "pages": 60, "kind": "novel"},
            {"title": "Essais", "pages": "many", "kind": "essay"},  # pages does not serialize as an Int
            {"title": None, "kind": "poem"},  # a null for a non-null field, an unknown enum value
        ]


class Query(graphene.ObjectType):
    shelf = graphene.Field(ShelfType, count=graphene.Int())

    def resolve_shelf(root, info, count=None):
        return Shelf("Fantastique", count)


SCHEMA = graphene.Schema(query=Query).graphql_schema
QUERIES = [
    "{ shelf(count: 2) { name count __typename books { title pages kind loudTitle } } }",
    "{ shelf { name count } }",  # a null for a non-null field: the error reaches the parent
    "{ shelf(count: 1) { broken name alias: name } }",
]


def run(query, context_class):
    return graphql_sync(SCHEMA, query, execution_context_class=context_class).formatted


@pytest.mark.parametrize("query", QUERIES)
def test_answers_and_errors_are_graphql_cores_own(query):
    assert run(query, SynchronousExecutionContext) == run(query, ExecutionContext)


def test_fields_read_off_their_parent_skip_graphql_cores_field_machinery(monkeypatch):
    executed = []
    execute_field = ExecutionContext.execute_field

    def counted(self, parent_type, source, field_nodes, path):
        executed.append(f"{parent_type.name}.{field_nodes[0].name.value}")
        return execute_field(self, parent_type, source, field_nodes, path)

    monkeypatch.setattr(ExecutionContext, "execute_field", counted)
    answer = run(QUERIES[0], SynchronousExecutionContext)
    assert answer["data"]["shelf"]["books"][0] == {
        "title": "Le Horla",
        "pages": 60,
        "kind": "NOVEL",
        "loudTitle": "LE HORLA",
    }
    # Resolvers of our own, the meta field, and values that need graphql-core's errors (a page count that is not
    # an Int; the null title of the third book, whose error ends that book as in graphql-core); no plain field.
    assert executed == [
        "Query.shelf",
        "ShelfType.__typename",
        "ShelfType.books",
        "Book.loudTitle",
        "Book.pages",
        "Book.loudTitle",
        "Book.title",
    ]
