"""Failed sign-ins: slowed down after a few, refused for a while after many, reset by a success."""

from datetime import timedelta

import pytest
from django.utils import timezone

from story_admin.exceptions import StoryRuleError
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
