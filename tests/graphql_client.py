"""A client that speaks to /graphql/ over the real HTTP stack, as Apollo and Postman do."""

import json

from graphql_jwt.shortcuts import get_token


class GraphQLClient:
    def __init__(self, client):
        self.client = client
        self.token = None

    def as_user(self, user):
        self.token = get_token(user) if user else None
        return self

    def post(self, query, variables=None, *, token=None, operation_name=None):
        headers = {}
        token = token or self.token
        if token:
            headers["HTTP_AUTHORIZATION"] = f"JWT {token}"
        body = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        return self.client.post("/graphql/", json.dumps(body), content_type="application/json", **headers)

    def __call__(self, query, variables=None, **options):
        response = self.post(query, variables, **options)
        assert response.status_code == 200, response.content
        return response.json()

    def data(self, query, variables=None, **options):
        result = self(query, variables, **options)
        assert "errors" not in result, result["errors"]
        return result["data"]
