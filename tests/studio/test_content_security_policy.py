"""The studio's Content-Security-Policy: scripts from our origin only, and templates that need nothing else."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import ScenarioFactory, SceneFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {directive.split()[0]: directive.split()[1:] for directive in header.split(";") if directive.strip()}


def test_studio_and_admin_pages_allow_scripts_from_our_origin_only(client, author):
    story = ScenarioFactory(author=author, title="The Cellar")
    scene = SceneFactory(scenario=story, title="Start", is_start_scene=True)
    pages = [reverse("studio:signin")]
    client.force_login(author)
    pages += [
        reverse("studio:dashboard"),
        reverse("studio:story", args=[story.pk]),
        reverse("studio:outline", args=[story.pk]),
        reverse("studio:play", args=[story.pk]) + "?seed=1",
        reverse("studio:scene", args=[story.pk, scene.pk]),
        reverse("admin:index"),
        reverse("admin:story_admin_asset_changelist"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        directives = policy(response)
        assert directives["script-src"] == ["'self'"], url
        assert directives["default-src"] == ["'self'"] and directives["object-src"] == ["'none'"], url
        assert directives["frame-ancestors"] == ["'none'"] and directives["base-uri"] == ["'self'"], url


def test_graphiql_is_exempt_and_the_api_is_not(client, settings):
    from django.test import Client

    api = client.post("/graphql/", '{"query": "{ me { email } }"}', content_type="application/json")
    assert policy(api)["script-src"] == ["'self'"]
    graphiql = Client(HTTP_ACCEPT="text/html").get("/graphql/")
    if settings.GRAPHIQL:  # the page exists in development only
        assert graphiql.status_code == 200 and "graphiql" in graphiql.text.lower()
        assert "Content-Security-Policy" not in graphiql


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:json|ld\+json)\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize(
    "template",
    sorted(
        str(path.relative_to(ROOT))
        for folder in ("studio", "story_admin")
        for path in (ROOT / folder).rglob("templates/**/*.html")
    ),
)
def test_templates_hold_nothing_the_policy_blocks(template):
    text = (ROOT / template).read_text()
    assert not INLINE_SCRIPT.search(text), "an inline <script>: move it to static/studio/"
    assert not HANDLER.search(text), "an on…= handler attribute: bind it in a static module"
    assert "javascript:" not in text.lower()
    assert "hx-on" not in text  # htmx evaluates hx-on attributes as inline script
