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
    LoginThrottle.objects.filter(email=user.email).update(
        last_failure_at=timezone.now() - timedelta(seconds=seconds))


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
    query = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { success message } }'
    messages = [gql_client(query, {"e": user.email, "p": "wrong"})["data"]["login"]["message"] for _ in range(6)]
    assert messages[:3] == ["Wrong email or password."] * 3
    assert all("before trying again" in message for message in messages[3:])


def test_a_burst_of_parallel_wrong_passwords_gets_no_more_checks_than_a_slow_one():
    """50 sign-ins at the same instant, from 50 threads with their own connections: three passwords are checked."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections

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
    assert LoginThrottle.objects.get(email=user.email).failures == 3
