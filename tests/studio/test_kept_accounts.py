"""Studio sessions read their account from Redis once it is kept, and every revocation still ends the next page."""

import logging

import pytest
from django.urls import reverse

from tests.accounts import REVOCATIONS, kept
from tests.command_count import counting
from tests.processes import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio(client, author, rq_redis):
    """An author's browser on the studio, whose account the first page kept."""
    client.force_login(author)
    assert client.get(reverse("studio:dashboard")).status_code == 200
    assert kept(rq_redis, author)
    return client


def signed_out(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("studio:signin"))


@pytest.mark.parametrize("name", ["password change", "deactivation", "deletion"])
def test_after_the_account_was_kept_a_revocation_ends_the_session_at_the_very_next_page(studio, author, name):
    REVOCATIONS[name](author)
    assert signed_out(studio.get(reverse("studio:dashboard")))


def test_sign_out_everywhere_reaches_the_very_next_page(studio, author):
    """A session is not one of the tokens it refuses (its hash is the password's), but the next page sees the
    account's new token version, never the kept one."""
    REVOCATIONS["sign out everywhere"](author)
    page = studio.get(reverse("studio:dashboard"))
    assert page.status_code == 200 and page.wsgi_request.user.token_version == author.token_version + 1


def test_a_page_whose_account_is_kept_sends_one_command_fewer(studio, settings):
    with counting() as from_redis:
        studio.get(reverse("studio:dashboard"))
    settings.ACCOUNT_CACHE_SECONDS = 0
    with counting() as from_database:
        studio.get(reverse("studio:dashboard"))
    assert sorted(from_database) == sorted([*from_redis, "aggregate users"])


def test_with_redis_down_pages_are_served_from_the_database_with_a_warning(client, author, settings, caplog):
    client.force_login(author)
    down = f"redis://127.0.0.1:{free_port()}/0"
    settings.ACCOUNT_CACHE_SECONDS = 30
    settings.RQ_QUEUES = {name: {**queue, "URL": down} for name, queue in settings.RQ_QUEUES.items()}
    with caplog.at_level(logging.WARNING, logger="story_admin.account_cache"):
        assert client.get(reverse("studio:dashboard")).status_code == 200
        REVOCATIONS["deactivation"](author)
        assert signed_out(client.get(reverse("studio:dashboard")))
    warnings = [record.message for record in caplog.records]
    assert any("Redis failed reading account" in warning and str(author.pk) in warning for warning in warnings)
