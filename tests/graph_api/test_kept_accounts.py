"""JWT requests read their account from Redis once it is kept, and every revocation still refuses the next one."""

import logging

import pytest

from tests.accounts import REVOCATIONS, kept
from tests.command_count import counting
from tests.processes import free_port

pytestmark = pytest.mark.django_db

ME = "{ me { email } myProgress { mongoId } }"  # myProgress needs an account


def refused(result):
    return [error["extensions"]["code"] for error in result["errors"]] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("revoke", REVOCATIONS.values(), ids=REVOCATIONS)
def test_after_the_account_was_kept_a_revocation_refuses_the_very_next_request(gql, rq_redis, player, revoke):
    gql.as_user(player)
    assert gql.data(ME)["me"]["email"] == player.email
    assert kept(rq_redis, player)
    revoke(player)
    assert refused(gql(ME))


def test_sign_out_everywhere_through_the_api_refuses_a_token_whose_account_was_kept(gql, rq_redis, player):
    phone, laptop = gql.as_user(player).token, gql.as_user(player).token
    assert gql.data(ME, token=laptop)["me"]["email"] == player.email and kept(rq_redis, player)
    assert gql.data("mutation { signOutEverywhere { success } }", token=phone)["signOutEverywhere"]["success"]
    assert refused(gql(ME, token=laptop))


def test_a_request_whose_account_is_kept_sends_one_command_fewer(gql, player, settings):
    gql.as_user(player).data(ME)  # keeps the account
    with counting() as from_redis:
        gql.data(ME)
    settings.ACCOUNT_CACHE_SECONDS = 0
    with counting() as from_database:
        gql.data(ME)
    assert sorted(from_database) == sorted([*from_redis, "aggregate users"])


def test_with_redis_down_requests_are_answered_from_the_database_with_a_warning(gql, player, settings, caplog):
    down = f"redis://127.0.0.1:{free_port()}/0"
    settings.RQ_QUEUES = {name: {**queue, "URL": down} for name, queue in settings.RQ_QUEUES.items()}
    gql.as_user(player)
    with caplog.at_level(logging.WARNING, logger="story_admin.account_cache"):
        assert gql.data(ME)["me"]["email"] == player.email
        assert gql.data(ME)["me"]["email"] == player.email
        REVOCATIONS["password change"](player)
        assert refused(gql(ME))
    warnings = [record.message for record in caplog.records]
    assert any("Redis failed reading account" in warning and str(player.pk) in warning for warning in warnings)
    assert any("Could not forget the kept account" in warning for warning in warnings)
