"""Repeated failed sign-ins for one email are slowed down, then refused for a while.

A try is counted *before* its password is checked (`claim_attempt`), with a compare-and-swap
on the email's throttle document: parallel tries are serialised by the database, so a burst of
them gets no more password checks than the same tries one after the other. A success forgets
the count; a failure leaves it counted and, at LOCK_AFTER, locks the email.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from .models import LoginThrottle, UserManager

SLOW_DOWN_AFTER = 3        # failures before each new try must wait
LOCK_AFTER = 10            # failures before the email is locked
LOCK_FOR = timedelta(minutes=15)
FORGET_AFTER = timedelta(minutes=15)
MAX_WAIT_SECONDS = 60
CLAIM_ROUNDS = 5           # compare-and-swap rounds lost to parallel tries before giving up
BUSY = "Several sign-ins for this email at the same moment: wait a second and try again."


@dataclass
class Attempt:
    """Filled by the authentication backend: why this try was refused without checking the password."""

    refusal: str | None = None


def _refusal(throttle: LoginThrottle, now: datetime) -> str | None:
    """Why a sign-in may not be tried now, or None."""
    if throttle.locked_until and throttle.locked_until > now:
        minutes = math.ceil((throttle.locked_until - now).total_seconds() / 60)
        return f"Too many failed sign-ins for this email: try again in {minutes} minute{'s' if minutes > 1 else ''}."
    if _forgotten(throttle, now):
        return None
    if throttle.failures >= SLOW_DOWN_AFTER and throttle.last_failure_at:
        ready_at = throttle.last_failure_at + timedelta(seconds=_wait_seconds(throttle.failures))
        if ready_at > now:
            seconds = math.ceil((ready_at - now).total_seconds())
            return f"Several failed sign-ins for this email: wait {seconds} second{'s' if seconds > 1 else ''} before trying again."
    return None


def claim_attempt(email: str) -> str | None:
    """Count one try for this email before its password is checked; why it may not be tried, or None."""
    email = UserManager.normalize_email(email)
    for _ in range(CLAIM_ROUNDS):
        now = timezone.now()
        throttle, _ = LoginThrottle.objects.get_or_create(email=email)  # a parallel create: Django gets it
        if reason := _refusal(throttle, now):
            return reason
        counted = 0 if _forgotten(throttle, now) else throttle.failures
        claimed = LoginThrottle.objects.filter(
            pk=throttle.pk, failures=throttle.failures, last_failure_at=throttle.last_failure_at,
            locked_until=throttle.locked_until,
        ).update(failures=counted + 1, last_failure_at=now, locked_until=None)
        if claimed:
            return None
    return BUSY


def record_failure(email: str) -> None:
    """The claimed try had a wrong password: it stays counted; at LOCK_AFTER the email is locked."""
    now = timezone.now()
    LoginThrottle.objects.filter(email=UserManager.normalize_email(email), failures__gte=LOCK_AFTER).update(
        failures=0, locked_until=now + LOCK_FOR, last_failure_at=now)


def record_success(email: str) -> None:
    LoginThrottle.objects.filter(email=UserManager.normalize_email(email)).delete()


def _forgotten(throttle: LoginThrottle, now: datetime) -> bool:
    return bool(throttle.last_failure_at and now - throttle.last_failure_at > FORGET_AFTER)


def _wait_seconds(failures: int) -> int:
    return min(2 ** (failures - SLOW_DOWN_AFTER), MAX_WAIT_SECONDS)
