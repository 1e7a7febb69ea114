"""Browser apps on the usual local dev servers may call the API in development; production allows only what is set."""

import secrets

import pytest

from tests.processes import manage

pytestmark = pytest.mark.django_db

VITE = "http://localhost:5173"


def preflight(client, origin):
    return client.options(
        "/graphql/",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type",
    )


@pytest.mark.parametrize("origin", [VITE, "http://127.0.0.1:5173", "http://localhost:3000", "http://127.0.0.1:3000"])
def test_the_old_editor_on_a_local_dev_server_may_call_the_api_in_development(client, origin):
    response = preflight(client, origin)
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "authorization" in response.headers["Access-Control-Allow-Headers"]


def test_other_origins_are_not_allowed(client):
    assert "Access-Control-Allow-Origin" not in preflight(client, "http://evil.example").headers


def test_production_allows_only_the_configured_origins():
    printed = "from django.conf import settings; print(settings.CORS_ALLOWED_ORIGINS)"
    production = {"DEBUG": "False", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "stories.example.com"}
    assert manage("shell", "--no-imports", "-c", printed, **production).stdout.strip() == "[]"
    development = manage("shell", "--no-imports", "-c", printed, CORS_ALLOWED_ORIGINS="")  # as env.example has it
    assert "http://localhost:5173" in development.stdout
    configured = manage(
        "shell", "--no-imports", "-c", printed, **production, CORS_ALLOWED_ORIGINS="https://editor.example.com"
    )
    assert configured.stdout.strip() == "['https://editor.example.com']"
