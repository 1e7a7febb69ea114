"""/graphql/ and the studio's session cookie: a page elsewhere cannot act as the signed-in author."""

import json

import pytest
from django.test import Client
from graphql_jwt.shortcuts import get_token

from story_admin.models import Scenario

pytestmark = pytest.mark.django_db

CREATE = 'mutation { createScenario(input: {title: "CSRF"}) { success scenario { title } } }'


def post(client, query, **headers):
    return client.post("/graphql/", json.dumps({"query": query}), content_type="application/json", **headers).json()


@pytest.fixture
def browser(author, rq_redis):
    """A browser signed in to the studio, with Django's CSRF checks on (the test client skips them by default)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    return client


def test_a_session_cookie_mutation_from_another_site_creates_nothing(browser):
    result = post(browser, CREATE, HTTP_ORIGIN="http://evil.example")
    assert result["errors"][0]["message"] == "Authentication required"
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not Scenario.objects.exists()


def test_a_session_cookie_mutation_without_the_csrf_token_creates_nothing(browser):
    result = post(browser, CREATE)
    assert result["errors"][0]["message"] == "Authentication required"
    assert not Scenario.objects.exists()


def test_graphiql_in_the_browser_keeps_working_with_the_csrf_token(browser, author):
    """GraphiQL's page sets the csrftoken cookie and its requests send it back as X-CSRFToken."""
    page = browser.get("/graphql/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and b"graphiql" in page.content.lower()
    csrf = browser.cookies["csrftoken"].value
    result = post(browser, CREATE, HTTP_X_CSRFTOKEN=csrf, HTTP_ORIGIN="http://testserver")
    assert result["data"]["createScenario"] == {"success": True, "scenario": {"title": "CSRF"}}
    assert Scenario.objects.get().author == author


def test_a_jwt_still_works_from_any_origin(author, rq_redis):
    result = post(
        Client(enforce_csrf_checks=True),
        CREATE,
        HTTP_ORIGIN="http://localhost:5173",
        HTTP_AUTHORIZATION=f"JWT {get_token(author)}",
    )
    assert result["data"]["createScenario"]["success"]
    assert Scenario.objects.get().author == author
