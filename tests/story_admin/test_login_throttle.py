"""Failed sign-ins: slowed down after a few, refused for a while after many, reset by a success."""

from datetime import timedelta

import pytest
from django.utils import timezone

from story_admin.exceptions import StoryRuleError
from story_admin import login_throttle
from story_admin.models import LoginThrottle
from story_admin.services.users import sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def fail(user, times):
    for _ in range(times):
        with pytest.raises(StoryRuleError):
            sign_in(request=None, email=user.email, password="wrong")


def age_last_failure(user, seconds):
    LoginThrottle.objects.filter(email=user.email).update(last_failure_at=timezone.now() - timedelta(seconds=seconds))


def test_a_few_failures_change_nothing():
    user = UserFactory()
    fail(user, 2)
    assert sign_in(request=None, email=user.email, password=PASSWORD) == user
    assert not LoginThrottle.objects.exists()


def test_repeated_failures_are_slowed_down_even_with_the_right_password():
    user = UserFactory()
    fail(user, 3)
    with pytest.raises(StoryRuleError, match=r"wait \d+ seconds? before trying again"):
        sign_in(request=None, email=user.email, password=PASSWORD)
    age_last_failure(user, 120)
    assert sign_in(request=None, email=user.email, password=PASSWORD) == user


def test_many_failures_lock_the_email_for_a_while():
    user = UserFactory()
    for _ in range(10):
        with pytest.raises(StoryRuleError):
            sign_in(request=None, email=user.email, password="wrong")
        age_last_failure(user, 120)
    with pytest.raises(StoryRuleError, match="try again in 15 minutes"):
        sign_in(request=None, email=user.email.upper(), password=PASSWORD)
    LoginThrottle.objects.filter(email=user.email).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert sign_in(request=None, email=user.email, password=PASSWORD) == user


def test_burst_over_graphql_gets_the_message(gql_client):
    user = UserFactory()
    query = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { success message } }"
    messages = [gql_client(query, {"e": user.email, "p": "wrong"})["data"]["login"]["message"] for _ in range(6)]
    assert messages[:3] == ["Wrong email or password."] * 3
    assert all("before trying again" in message for message in messages[3:])


def test_a_burst_of_parallel_wrong_passwords_gets_no_more_checks_than_a_slow_one(monkeypatch):
    """50 sign-ins at the same instant, from 50 threads with their own connections: three passwords are checked.

    The clock is held still: on a slow machine the burst outlasted the first wait, and a fourth try was
    then rightly checked; what is tested is that tries racing each other are counted, not the clock."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections

    instant = timezone.now()
    monkeypatch.setattr(login_throttle.timezone, "now", lambda: instant)

    user, tries = UserFactory(), 50
    start = Barrier(tries)

    def attempt(_):
        start.wait()
        try:
            sign_in(request=None, email=user.email, password="wrong")
        except StoryRuleError as refusal:
            return refusal.message
        finally:
            connections.close_all()
        return "signed in"

    with ThreadPoolExecutor(tries) as pool:
        answers = list(pool.map(attempt, range(tries)))
    checked = answers.count("Wrong email or password.")
    assert checked == 3, answers
    refusals = [answer for answer in answers if answer != "Wrong email or password."]
    assert all("before trying again" in answer or answer == login_throttle.BUSY for answer in refusals), refusals
    assert LoginThrottle.objects.get(email=user.email, address=LoginThrottle.EVERY_ADDRESS).failures == 3
    assert LoginThrottle.objects.get(email=user.email, address="unknown").failures == 3


def from_address(address, **headers):
    from django.test import RequestFactory

    return RequestFactory().post("/signin/", REMOTE_ADDR=address, **headers)


def fail_from(user, request, times):
    for _ in range(times):
        with pytest.raises(StoryRuleError, match="Wrong email or password"):
            sign_in(request=request, email=user.email, password="wrong")
        age_last_failure(user, 120)


def test_the_lock_applies_to_the_address_that_failed_and_the_owner_still_signs_in():
    user, attacker, owner = UserFactory(), from_address("203.0.113.7"), from_address("198.51.100.20")
    fail_from(user, attacker, 10)
    with pytest.raises(StoryRuleError, match="from this address: try again in 15 minutes"):
        sign_in(request=attacker, email=user.email, password=PASSWORD)
    assert sign_in(request=owner, email=user.email, password=PASSWORD) == user
    with pytest.raises(StoryRuleError, match="try again in 15 minutes"):  # the owner's success does not unlock it
        sign_in(request=attacker, email=user.email, password=PASSWORD)


def test_a_locked_address_no_longer_slows_the_owner_down():
    user, attacker, owner = UserFactory(), from_address("203.0.113.7"), from_address("198.51.100.20")
    fail_from(user, attacker, 10)
    for _ in range(5):
        with pytest.raises(StoryRuleError, match="try again in"):
            sign_in(request=attacker, email=user.email, password="wrong")
    assert sign_in(request=owner, email=user.email, password=PASSWORD) == user


def test_the_slowdown_stays_for_every_address():
    """Guesses spread over many addresses are slowed down as much as from one: the wait counts the email's failures."""
    user = UserFactory()
    for number in range(3):
        with pytest.raises(StoryRuleError, match="Wrong email or password"):
            sign_in(request=from_address(f"203.0.113.{number}"), email=user.email, password="wrong")
    with pytest.raises(StoryRuleError, match="before trying again"):
        sign_in(request=from_address("198.51.100.20"), email=user.email, password=PASSWORD)
    age_last_failure(user, 120)
    assert sign_in(request=from_address("198.51.100.20"), email=user.email, password=PASSWORD) == user


def test_x_forwarded_for_is_ignored_unless_a_proxy_is_declared(settings):
    user = UserFactory()
    for number in range(10):  # a new forged X-Forwarded-For each time, from one real address
        with pytest.raises(StoryRuleError, match="Wrong email or password"):
            sign_in(
                request=from_address("203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}"),
                email=user.email,
                password="wrong",
            )
        age_last_failure(user, 120)
    with pytest.raises(StoryRuleError, match="try again in 15 minutes"):
        sign_in(
            request=from_address("203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.99"), email=user.email, password=PASSWORD
        )

    settings.TRUSTED_PROXY_COUNT = 1  # behind one proxy: its REMOTE_ADDR is the proxy, the client is what it appended
    proxy = "10.1.1.1"
    assert (
        login_throttle.client_address(from_address(proxy, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    )
    assert login_throttle.client_address(from_address(proxy)) == proxy
    assert (
        sign_in(request=from_address(proxy, HTTP_X_FORWARDED_FOR="198.51.100.20"), email=user.email, password=PASSWORD)
        == user
    )
    with pytest.raises(StoryRuleError, match="try again in"):
        sign_in(request=from_address(proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"), email=user.email, password=PASSWORD)
