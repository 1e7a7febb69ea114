"""Tokens: issued by login and tokenAuth, refused whenever they are wrong, expired or revoked."""

import base64
import json
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from graphql_jwt.settings import jwt_settings
from graphql_jwt.shortcuts import get_token

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = "{ me { email } myProgress { mongoId } }"


def refused(result):
    return [error["message"] for error in result["errors"]] == ["Authentication required"] and \
        result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_login_token_authenticates(gql, player):
    token = gql.data('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token success } }',
                     {"e": player.email.upper(), "p": PASSWORD})["login"]["token"]
    assert gql.data(ME, token=token)["me"]["email"] == player.email


def test_wrong_password_is_a_business_refusal(gql, player):
    result = gql.data('mutation { login(email: "%s", password: "nope") { token success message } }' % player.email)
    assert result["login"] == {"token": None, "success": False, "message": "Wrong email or password."}


def test_bearer_prefix_is_not_the_contract(gql, player):
    response = gql.client.post("/graphql/", json.dumps({"query": ME}), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {get_token(player)}")
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
    login = gql.data('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }',
                     {"e": player.email, "p": PASSWORD})["login"]
    refresh = "mutation($r: String!) { refreshToken(refreshToken: $r) { token refreshToken } }"
    renewed = gql.data(refresh, {"r": login["refreshToken"]})["refreshToken"]
    assert gql.data(ME, token=renewed["token"])["me"]["email"] == player.email
    assert invalid_refresh(gql(refresh, {"r": login["refreshToken"]}))  # rotated: the old one is spent

    gql.data("mutation($r: String!) { revokeToken(refreshToken: $r) { revoked } }", {"r": renewed["refreshToken"]})
    assert invalid_refresh(gql(refresh, {"r": renewed["refreshToken"]}))


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
