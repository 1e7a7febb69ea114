"""Tokens: issued by login and tokenAuth, refused whenever they are wrong, expired or revoked."""

import base64
import json
import time
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.utils import timezone
from graphql_jwt.settings import jwt_settings
from graphql_jwt.shortcuts import get_token

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = "{ me { email } myProgress { mongoId } }"


def refused(result):
    return [error["message"] for error in result["errors"]] == ["Authentication required"] and result["errors"][0][
        "extensions"
    ]["code"] == "UNAUTHENTICATED"


def test_login_token_authenticates(gql, player):
    token = gql.data(
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token success } }",
        {"e": player.email.upper(), "p": PASSWORD},
    )["login"]["token"]
    assert gql.data(ME, token=token)["me"]["email"] == player.email


def test_wrong_password_is_a_business_refusal(gql, player):
    result = gql.data('mutation { login(email: "%s", password: "nope") { token success message } }' % player.email)
    assert result["login"] == {"token": None, "success": False, "message": "Wrong email or password."}


def test_bearer_prefix_is_not_the_contract(gql, player):
    response = gql.client.post(
        "/graphql/",
        json.dumps({"query": ME}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {get_token(player)}",
    )
    assert refused(response.json())


def forge(payload, *, key=None, algorithm="HS256"):
    return jwt.encode(payload, key or settings.SECRET_KEY, algorithm=algorithm)


def test_wrong_signature_is_refused(gql, player):
    token = forge({"email": player.email, "exp": 9999999999, "origIat": 1}, key="not-our-secret")
    assert refused(gql(ME, token=token))


def test_alg_none_is_refused(gql, player):
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(json.dumps({"email": player.email, "exp": 9999999999}).encode()).rstrip(b"=")
    assert refused(gql(ME, token=f"{header}.{body.decode()}."))


def test_expired_token_is_refused(gql, player, settings):
    token = forge({"email": player.email, "exp": 1_000_000_000, "origIat": 999_999_000})
    assert refused(gql(ME, token=token))


def test_token_of_a_deleted_user_is_refused(gql, player):
    token = get_token(player)
    player.delete()
    assert refused(gql(ME, token=token))


def test_public_reads_still_work_with_a_bad_token(gql):
    assert gql("{ allScenarios { title } }", token="garbage")["data"] == {"allScenarios": []}


def test_refresh_token_rotates_and_revoked_ones_are_refused(gql, player):
    first = login(gql, player)["refreshToken"]
    renewed = gql.data(REFRESH, {"r": first})["refreshToken"]
    assert gql.data(ME, token=renewed["token"])["me"]["email"] == player.email

    gql.data("mutation($r: String!) { revokeToken(refreshToken: $r) { revoked } }", {"r": renewed["refreshToken"]})
    assert invalid_refresh(gql(REFRESH, {"r": renewed["refreshToken"]}))


def test_a_spent_refresh_token_used_again_revokes_its_family(gql, player):
    """OAuth's reuse detection: whoever replays a spent token, every token rotated from it is refused."""
    first = login(gql, player)["refreshToken"]
    other_device = login(gql, player)["refreshToken"]
    renewed = gql.data(REFRESH, {"r": first})["refreshToken"]
    assert invalid_refresh(gql(REFRESH, {"r": first}))  # rotated: the old one is spent, and now reused
    assert invalid_refresh(gql(REFRESH, {"r": renewed["refreshToken"]}))  # its family is revoked
    assert gql.data(REFRESH, {"r": other_device})["refreshToken"]["token"]  # another sign-in is not


def test_parallel_exchanges_of_one_refresh_token_have_one_winner(gql, player):
    """Two threads, each with its own connection, send the same refresh token at once, 20 times: one wins."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections
    from django.test import Client

    from tests.graphql_client import GraphQLClient

    for _ in range(20):
        refresh = login(gql, player)["refreshToken"]
        start = Barrier(2)

        def exchange(_, start=start, refresh=refresh):
            start.wait()
            try:
                return GraphQLClient(Client())(REFRESH, {"r": refresh})
            finally:
                connections.close_all()

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(exchange, range(2)))
        winners = [answer["data"]["refreshToken"] for answer in answers if not answer.get("errors")]
        losers = [answer for answer in answers if answer.get("errors")]
        assert len(winners) == 1 and len(losers) == 1 and invalid_refresh(losers[0]), answers
        # The loser revoked the family: the winner's new refresh token is refused too.
        assert invalid_refresh(gql(REFRESH, {"r": winners[0]["refreshToken"]}))


LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token refreshToken success message } }"
REFRESH = "mutation($r: String!) { refreshToken(refreshToken: $r) { token refreshToken } }"


def login(gql, user, password=PASSWORD):
    result = gql.data(LOGIN, {"e": user.email, "p": password})["login"]
    assert result["success"], result
    return result


def invalid_refresh(result):
    error = result["errors"][0]
    return error["message"] == "Invalid refresh token" and error["extensions"]["code"] == "UNAUTHENTICATED"


def test_keep_alive_refresh_of_a_jwt(gql, player):
    token = get_token(player)
    renewed = gql.data("mutation($t: String!) { refreshToken(token: $t) { token payload } }", {"t": token})
    assert renewed["refreshToken"]["payload"]["email"] == player.email


def test_tokens_expire_after_the_configured_delta():
    assert jwt_settings.JWT_VERIFY_EXPIRATION
    assert jwt_settings.JWT_EXPIRATION_DELTA == timedelta(seconds=3600)


OLD_SOURCE_KEY = "dev-only-insecure-secret-key-change-me-in-production-0123456789"


def now():
    return int(time.time())


def test_a_token_signed_with_the_key_once_written_in_the_source_is_refused(gql, superuser):
    """The report's forgery: HS256 {"email": <superuser>, "origIat": now} with the old fixed key."""
    assert settings.SECRET_KEY != OLD_SOURCE_KEY
    for payload in (
        {"email": superuser.email, "origIat": now()},
        {
            "sub": str(superuser.pk),
            "tokenVersion": superuser.token_version,
            "email": superuser.email,
            "exp": now() + 600,
            "origIat": now(),
        },
    ):
        assert refused(gql(ME, token=forge(payload, key=OLD_SOURCE_KEY)))


@pytest.mark.parametrize("missing", ["exp", "origIat"])
def test_a_token_without_exp_or_orig_iat_is_refused(gql, player, missing):
    payload = {
        "sub": str(player.pk),
        "tokenVersion": player.token_version,
        "email": player.email,
        "exp": now() + 600,
        "origIat": now(),
    }
    del payload[missing]
    assert refused(gql(ME, token=forge(payload)))
    assert gql(ME, token=forge({**payload, missing: now() + 600}))["data"]["me"]["email"] == player.email


def test_a_token_of_the_old_email_only_shape_is_refused(gql, player):
    token = forge({"email": player.email, "exp": now() + 600, "origIat": now()})
    assert refused(gql(ME, token=token))
    assert token_refused(gql("mutation($t: String!) { verifyToken(token: $t) { payload } }", {"t": token}))
    assert token_refused(gql("mutation($t: String!) { refreshToken(token: $t) { token } }", {"t": token}))


def token_refused(result):
    """verifyToken and refreshToken say why a token is refused, with the UNAUTHENTICATED code."""
    return result["data"] == {next(iter(result["data"])): None} and [
        error["extensions"]["code"] for error in result["errors"]
    ] == ["UNAUTHENTICATED"]


def test_tokens_name_the_account_by_id_and_token_version(gql, player):
    payload = gql.data(
        "mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { payload } }",
        {"u": player.email, "p": PASSWORD},
    )["tokenAuth"]["payload"]
    assert payload["sub"] == str(player.pk) and payload["tokenVersion"] == player.token_version
    assert payload["exp"] - payload["origIat"] == 3600
    assert payload["email"] == player.email  # kept for the clients that read it; never used to find the account


def test_a_password_change_refuses_every_token_issued_before(gql, player):
    signed_in = login(gql, player)
    player.set_password("Another-long-password-9")
    player.save()
    assert refused(gql(ME, token=signed_in["token"]))
    assert token_refused(gql("mutation($t: String!) { verifyToken(token: $t) { payload } }", {"t": signed_in["token"]}))
    assert token_refused(gql("mutation($t: String!) { refreshToken(token: $t) { token } }", {"t": signed_in["token"]}))
    assert invalid_refresh(gql(REFRESH, {"r": signed_in["refreshToken"]}))
    assert gql.data(ME, token=login(gql, player, "Another-long-password-9")["token"])["me"]["email"] == player.email


def test_a_hash_upgrade_at_sign_in_keeps_the_tokens(gql, player):
    """Accounts imported with bcrypt hashes are rehashed at their first sign-in: not a password change."""
    from django.contrib.auth.hashers import make_password

    player.password = make_password(PASSWORD, hasher="bcrypt")
    player.save()
    token = gql.as_user(player).token
    login(gql, player)  # rehashes the password with the first hasher
    player.refresh_from_db()
    assert not player.password.startswith("bcrypt")
    assert gql.data(ME, token=token)["me"]["email"] == player.email


def test_an_email_change_refuses_old_tokens_and_hands_a_new_one(gql, player):
    old = login(gql, player)["token"]
    changed = gql.data(
        """mutation($id: ID!) { updateUser(userId: $id, input: {email: "new-address@example.com"}) {
        success token user { email } } }""",
        {"id": str(player.pk)},
        token=old,
    )["updateUser"]
    assert changed["success"] and changed["user"]["email"] == "new-address@example.com"
    assert refused(gql(ME, token=old))
    assert gql.data(ME, token=changed["token"])["me"]["email"] == "new-address@example.com"


SIGN_OUT = "mutation { signOutEverywhere { success message } }"


def test_sign_out_everywhere_refuses_every_token_of_the_account(gql, player, other_author):
    phone, laptop = login(gql, player), login(gql, player)
    bystander = login(gql, other_author)
    assert gql.data(SIGN_OUT, token=phone["token"])["signOutEverywhere"]["success"]
    for device in (phone, laptop):
        assert refused(gql(ME, token=device["token"]))
        assert invalid_refresh(gql(REFRESH, {"r": device["refreshToken"]}))
    assert gql.data(ME, token=bystander["token"])["me"]["email"] == other_author.email
    assert gql.data(ME, token=login(gql, player)["token"])["me"]["email"] == player.email


def test_sign_out_everywhere_needs_a_token(gql):
    assert refused(gql(SIGN_OUT))


def test_a_token_kept_across_an_email_change_never_becomes_the_next_owner_of_the_email(gql):
    """The report's takeover: sign up as victim@, keep the token, move away, let the victim sign up with victim@."""
    sign_up = """mutation($e: String!) { createUser(input: {email: $e, password: "Lecture-du-soir-7"}) {
        success user { mongoId } } }"""
    attacker_id = gql.data(sign_up, {"e": "victim@example.com"})["createUser"]["user"]["mongoId"]
    kept = gql.data(LOGIN, {"e": "victim@example.com", "p": "Lecture-du-soir-7"})["login"]["token"]
    moved = gql.data(
        """mutation($id: ID!) { updateUser(userId: $id, input: {email: "attacker@example.com"}) {
        success token } }""",
        {"id": attacker_id},
        token=kept,
    )["updateUser"]
    assert moved["success"]
    victim_id = gql.data(sign_up, {"e": "victim@example.com"})["createUser"]["user"]["mongoId"]
    assert victim_id != attacker_id

    assert refused(gql(ME, token=kept))
    assert gql.data("{ me { mongoId email } }", token=moved["token"])["me"] == {
        "mongoId": attacker_id,
        "email": "attacker@example.com",
    }


def test_failed_sign_ins_lock_out_the_address_that_failed_not_the_owner(gql, player):
    """Ten wrong passwords from one address: that address is refused even the right password; another signs in."""
    from story_admin.models import LoginThrottle

    def sign_in(password, address):
        response = gql.client.post(
            "/graphql/",
            json.dumps({"query": LOGIN, "variables": {"e": player.email, "p": password}}),
            content_type="application/json",
            REMOTE_ADDR=address,
        )
        return response.json()["data"]["login"]

    for _ in range(10):
        assert sign_in("wrong", "203.0.113.7")["message"] == "Wrong email or password."
        LoginThrottle.objects.update(last_failure_at=timezone.now() - timedelta(seconds=120))
    assert "try again in 15 minutes" in sign_in(PASSWORD, "203.0.113.7")["message"]
    owner = sign_in(PASSWORD, "198.51.100.20")
    assert owner["success"] and gql.data(ME, token=owner["token"])["me"]["email"] == player.email
    assert "try again in" in sign_in(PASSWORD, "203.0.113.7")["message"]  # the owner's success keeps it locked
