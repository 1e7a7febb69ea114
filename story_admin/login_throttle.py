"""Repeated failed sign-ins for one email are slowed down, then refused for a while from that address.

Two counts per email, each a document: the email's own (address EVERY_ADDRESS), which slows every
try down after a few failures wherever they come from, and one per client address, which locks
that address out of the email after many. So whoever guesses a password is slowed down and then
locked out, while the account's owner, from another address, can still sign in (after the
slowdown's wait): nobody can lock anyone out by failing on purpose.

A try is counted *before* its password is checked (`claim_attempt`), with a compare-and-swap on
the email's document: parallel tries are serialised by the database, so a burst of them gets no
more password checks than the same tries one after the other. A success forgets the email's
count and its address's; a failure leaves them counted and, at LOCK_AFTER from one address,
locks that address.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .models import LoginThrottle, UserManager

SLOW_DOWN_AFTER = 3  # failures (from anywhere) before each new try must wait
LOCK_AFTER = 10  # failures from one address before that address is locked out of the email
LOCK_FOR = timedelta(minutes=15)
FORGET_AFTER = timedelta(minutes=15)
MAX_WAIT_SECONDS = 60
CLAIM_ROUNDS = 5  # compare-and-swap rounds lost to parallel tries before giving up
BUSY = "Several sign-ins for this email at the same moment: wait a second and try again."
EVERY_ADDRESS = LoginThrottle.EVERY_ADDRESS
UNKNOWN_ADDRESS = "unknown"


@dataclass
class Attempt:
    """Filled by the authentication backend: why this try was refused without checking the password."""

    refusal: str | None = None


def client_address(request) -> str:
    """The address the request came from: REMOTE_ADDR, or X-Forwarded-For's as set by TRUSTED_PROXY_COUNT proxies.

    X-Forwarded-For is written by the client too, so only the entries our own proxies appended
    (the last TRUSTED_PROXY_COUNT) are believed; with no proxy declared it is ignored.
    """
    if request is None:
        return UNKNOWN_ADDRESS
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:64]
    return (request.META.get("REMOTE_ADDR") or UNKNOWN_ADDRESS)[:64]


def _lock_refusal(throttle: LoginThrottle | None, now: datetime) -> str | None:
    if throttle and throttle.locked_until and throttle.locked_until > now:
        minutes = math.ceil((throttle.locked_until - now).total_seconds() / 60)
        return f"Too many failed sign-ins for this email from this address: try again in {minutes} minute{'s' if minutes > 1 else ''}."
    return None


def _wait_refusal(throttle: LoginThrottle, now: datetime) -> str | None:
    if _forgotten(throttle, now):
        return None
    if throttle.failures >= SLOW_DOWN_AFTER and throttle.last_failure_at:
        ready_at = throttle.last_failure_at + timedelta(seconds=_wait_seconds(throttle.failures))
        if ready_at > now:
            seconds = math.ceil((ready_at - now).total_seconds())
            return f"Several failed sign-ins for this email: wait {seconds} second{'s' if seconds > 1 else ''} before trying again."
    return None


def claim_attempt(email: str, address: str = UNKNOWN_ADDRESS) -> str | None:
    """Count one try for this email from this address before its password is checked; why it may not be tried, or None."""
    email = UserManager.normalize_email(email)
    for _ in range(CLAIM_ROUNDS):
        now = timezone.now()
        throttle, _ = LoginThrottle.objects.get_or_create(
            email=email, address=EVERY_ADDRESS
        )  # a parallel create: Django gets it
        if reason := _wait_refusal(throttle, now):
            return reason
        # The email's document says until when some address is locked out; only then is this one's read.
        # A locked address is refused before it is counted: it cannot slow the owner down any further.
        if (
            throttle.locked_until
            and throttle.locked_until > now
            and (reason := _lock_refusal(LoginThrottle.objects.filter(email=email, address=address).first(), now))
        ):
            return reason
        counted = 0 if _forgotten(throttle, now) else throttle.failures
        claimed = LoginThrottle.objects.filter(
            pk=throttle.pk,
            failures=throttle.failures,
            last_failure_at=throttle.last_failure_at,
        ).update(failures=counted + 1, last_failure_at=now)
        if claimed:
            return None
    return BUSY


def record_failure(email: str, address: str = UNKNOWN_ADDRESS) -> None:
    """The claimed try had a wrong password: it stays counted, and counts for its address; at LOCK_AFTER the address is locked."""
    email, now = UserManager.normalize_email(email), timezone.now()
    from_address, recent = LoginThrottle.objects.filter(email=email, address=address), now - FORGET_AFTER
    if not from_address.filter(last_failure_at__gte=recent).update(failures=F("failures") + 1, last_failure_at=now):
        # A first failure, or the first for a long while: start the count (parallel ones each add theirs).
        LoginThrottle.objects.get_or_create(email=email, address=address)
        from_address.filter(Q(last_failure_at__isnull=True) | Q(last_failure_at__lt=recent)).update(
            failures=0, locked_until=None
        )
        from_address.update(failures=F("failures") + 1, last_failure_at=now)
    locked_until = now + LOCK_FOR
    if from_address.filter(failures__gte=LOCK_AFTER).update(failures=0, locked_until=locked_until, last_failure_at=now):
        LoginThrottle.objects.filter(email=email, address=EVERY_ADDRESS).update(locked_until=locked_until)


def record_success(email: str, address: str = UNKNOWN_ADDRESS) -> None:
    """The owner is back: the email's slowdown and this address's count are forgotten; other addresses stay locked."""
    email, now = UserManager.normalize_email(email), timezone.now()
    LoginThrottle.objects.filter(email=email, address=address).delete()
    every = LoginThrottle.objects.filter(email=email, address=EVERY_ADDRESS)
    if not every.filter(locked_until__gt=now).update(failures=0, last_failure_at=None):
        every.delete()


def _forgotten(throttle: LoginThrottle, now: datetime) -> bool:
    return bool(throttle.last_failure_at and now - throttle.last_failure_at > FORGET_AFTER)


def _wait_seconds(failures: int) -> int:
    return min(2 ** (failures - SLOW_DOWN_AFTER), MAX_WAIT_SECONDS)
