"""Repeated failed sign-ins for one email are slowed down, then refused for a while."""

import math
from datetime import timedelta

from django.utils import timezone

from .models import LoginThrottle, UserManager

SLOW_DOWN_AFTER = 3        # failures before each new try must wait
LOCK_AFTER = 10            # failures before the email is locked
LOCK_FOR = timedelta(minutes=15)
FORGET_AFTER = timedelta(minutes=15)
MAX_WAIT_SECONDS = 60


def refusal(email: str) -> str | None:
    """Why a sign-in for this email may not be tried now, or None."""
    throttle = LoginThrottle.objects.filter(email=UserManager.normalize_email(email)).first()
    if throttle is None:
        return None
    now = timezone.now()
    if throttle.locked_until and throttle.locked_until > now:
        minutes = math.ceil((throttle.locked_until - now).total_seconds() / 60)
        return f"Too many failed sign-ins for this email: try again in {minutes} minute{'s' if minutes > 1 else ''}."
    if throttle.failures >= SLOW_DOWN_AFTER and throttle.last_failure_at:
        ready_at = throttle.last_failure_at + timedelta(seconds=_wait_seconds(throttle.failures))
        if ready_at > now:
            seconds = math.ceil((ready_at - now).total_seconds())
            return f"Several failed sign-ins for this email: wait {seconds} second{'s' if seconds > 1 else ''} before trying again."
    return None


def record_failure(email: str) -> None:
    email = UserManager.normalize_email(email)
    now = timezone.now()
    throttle, _ = LoginThrottle.objects.get_or_create(email=email)
    if throttle.last_failure_at and now - throttle.last_failure_at > FORGET_AFTER:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failure_at = now
    if throttle.failures >= LOCK_AFTER:
        throttle.locked_until = now + LOCK_FOR
        throttle.failures = 0
    throttle.save()


def record_success(email: str) -> None:
    LoginThrottle.objects.filter(email=UserManager.normalize_email(email)).delete()


def _wait_seconds(failures: int) -> int:
    return min(2 ** (failures - SLOW_DOWN_AFTER), MAX_WAIT_SECONDS)
