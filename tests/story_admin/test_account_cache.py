"""Accounts kept in Redis: the same fields as stored, saved as updates, never kept across a change."""

import logging
import socket

import pytest
import redis
from django.db.models import F
from django.db.models.signals import post_init
from django.utils import timezone
from django_mongodb_backend import transaction

from story_admin.account_cache import GENERATION_KEY, account, forget_account
from story_admin.models import User
from tests.accounts import kept
from tests.command_count import counting
from tests.factories import AuthorFactory
from tests.processes import free_port

pytestmark = pytest.mark.django_db


def test_a_kept_account_equals_the_stored_one_field_by_field(rq_redis):
    user = AuthorFactory(is_superuser=True, first_name="Zoé", last_name="", last_login=timezone.now())
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 3)
    account(user.pk)  # read from the database, and kept
    with counting() as commands:
        cached = account(user.pk)
    stored = User.objects.get(pk=user.pk)
    assert commands == [] and kept(rq_redis, user)
    for field in User._meta.concrete_fields:
        value, expected = getattr(cached, field.attname), getattr(stored, field.attname)
        assert (field.attname, type(value), value) == (field.attname, type(expected), expected)
    assert cached.last_login is not None and cached.is_superuser is True and cached.token_version > 3
    assert not cached._state.adding and cached._state.db == "default"


def test_an_account_kept_with_other_fields_than_the_model_has_is_read_again_and_kept_anew(rq_redis, player):
    """An entry kept before a deploy that added a field to User: the database answers, and the entry is replaced."""
    import json

    from story_admin.account_cache import KEY

    account(player.pk)
    key = KEY.format(pk=player.pk)
    fields = json.loads(redis.Redis.from_url(rq_redis).get(key))
    del fields["first_name"]
    redis.Redis.from_url(rq_redis).set(key, json.dumps(fields), ex=30)
    with counting() as commands:
        user = account(player.pk)
    assert user.first_name == player.first_name and commands == ["aggregate users"]
    assert "first_name" in json.loads(redis.Redis.from_url(rq_redis).get(key))


def test_saving_a_kept_account_updates_its_document_and_an_email_change_still_bumps_the_token_version(rq_redis, player):
    account(player.pk)
    cached = account(player.pk)
    cached.email = "moved@example.com"
    cached.save()
    stored = User.objects.get()
    assert (stored.pk, stored.email, stored.token_version) == (player.pk, "moved@example.com", player.token_version + 1)
    assert account(player.pk).email == "moved@example.com"


def test_a_read_that_raced_a_change_does_not_keep_the_old_account(rq_redis, player):
    """The change lands (and is forgotten) between the reader's look in Redis and its fill."""

    def change_while_reading(sender, instance, **kwargs):
        post_init.disconnect(change_while_reading, sender=User)
        User.objects.filter(pk=player.pk).update(token_version=F("token_version") + 1)
        forget_account(player.pk)

    post_init.connect(change_while_reading, sender=User)
    assert account(player.pk).token_version == player.token_version  # read before the change
    assert not kept(rq_redis, player)
    assert account(player.pk).token_version == player.token_version + 1


def test_without_the_cache_every_read_asks_the_database(rq_redis, player, settings):
    settings.ACCOUNT_CACHE_SECONDS = 0
    account(player.pk)
    with counting() as commands:
        assert account(player.pk) == player
    assert commands == ["aggregate users"] and not kept(rq_redis, player)


@pytest.fixture
def redis_down(rq_redis, settings, player):
    """The queues' (and the cache's) Redis a closed port, once the player's account is made."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    settings.RQ_QUEUES = {name: {**queue, "URL": url} for name, queue in settings.RQ_QUEUES.items()}
    return url


def test_with_redis_down_accounts_come_from_the_database_with_one_warning(redis_down, player, caplog):
    with caplog.at_level(logging.WARNING, logger="story_admin.account_cache"):
        for _ in range(3):
            assert account(player.pk) == player
    [warning] = caplog.records
    assert "Redis failed reading account" in warning.message and str(player.pk) in warning.message


def test_a_change_redis_cannot_forget_is_logged(redis_down, player, caplog):
    with caplog.at_level(logging.WARNING, logger="story_admin.account_cache"):
        player.is_active = False
        player.save()
    assert any(
        "Could not forget the kept account" in record.message and str(player.pk) in record.message
        for record in caplog.records
    )
    assert account(player.pk).is_active is False


def test_a_redis_that_never_answers_times_out_to_the_database(rq_redis, settings, player, caplog):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections (the backlog), never answers
    url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    settings.RQ_QUEUES = {name: {**queue, "URL": url} for name, queue in settings.RQ_QUEUES.items()}
    try:
        with caplog.at_level(logging.WARNING, logger="story_admin.account_cache"):
            assert account(player.pk) == player
    finally:
        silent.close()
    assert "Timeout" in caplog.records[0].message


def test_a_change_made_in_a_transaction_is_forgotten_again_once_it_commits(rq_redis, player):
    """Until the commit, readers elsewhere still see the old document and may keep it (the embedded server makes
    them wait instead: the second forgetting is seen in the generation number)."""
    generation = GENERATION_KEY.format(pk=player.pk)

    def forgotten():
        return int(redis.Redis.from_url(rq_redis).get(generation) or 0)

    before = forgotten()
    with transaction.atomic():
        player.first_name = "Changed"
        player.save()
        assert forgotten() == before + 1
        assert account(player.pk).first_name == "Changed"
    assert forgotten() == before + 2 and not kept(rq_redis, player)


def test_an_account_read_in_a_transaction_is_not_kept_since_it_may_roll_back(rq_redis, player):
    with pytest.raises(RuntimeError), transaction.atomic():
        player.first_name = "Never saved"
        player.save()
        assert account(player.pk).first_name == "Never saved"
        raise RuntimeError
    assert not kept(rq_redis, player)
    assert account(player.pk).first_name == "Ada"
