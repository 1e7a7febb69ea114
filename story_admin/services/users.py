"""Accounts: sign-up, profile changes, deletion, and password sign-in."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.db.models import F

from .. import login_throttle
from ..account_cache import forget_account
from ..exceptions import PermissionDenied, StoryRuleError
from ..models import Role, Scenario, User, UserManager

USER_FIELDS = {"email", "first_name", "last_name", "role"}


class EmailTaken(StoryRuleError):
    """Sign-up with an email some account already uses; only a superuser is told (see register_user)."""


def register_user(
    *,
    creator: User | None,
    email: str,
    password: str,
    role: str = Role.PLAYER,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Open sign-up creates players; an author account needs a superuser (or OPEN_AUTHOR_SIGNUP).

    An email already registered raises EmailTaken only after every other check and the password's
    hashing, so a caller that answers it like a success takes as long as a real sign-up.
    """
    if role not in Role.values:
        raise StoryRuleError(
            f"The role must be one of: {', '.join(Role.values)}.", field_errors={"role": ["Unknown role."]}
        )
    if role == Role.AUTHOR and not settings.OPEN_AUTHOR_SIGNUP and not _is_superuser(creator):
        raise PermissionDenied("Only an administrator can create author accounts; sign up as a player instead.")
    email = _valid_email(email)
    user = User(email=email, role=role, first_name=(first_name or "").strip(), last_name=(last_name or "").strip())
    try:
        validate_password(password or "", user)
    except ValidationError as error:
        raise StoryRuleError(" ".join(error.messages), field_errors={"password": error.messages}) from None
    user.set_password(password)
    if User.objects.filter(email=email).exists():
        raise EmailTaken("An account already uses this email.", field_errors={"email": ["Already registered."]})
    try:
        user.save()
    except IntegrityError:  # a parallel sign-up with the same email saved first
        raise EmailTaken(
            "An account already uses this email.", field_errors={"email": ["Already registered."]}
        ) from None
    return user


def update_user(*, editor: User, user: User, **changes) -> User:
    _ensure_self_or_superuser(editor, user)
    unknown = sorted(set(changes) - USER_FIELDS)
    if unknown:
        raise StoryRuleError(f"These fields of an account cannot be changed here: {', '.join(unknown)}.")
    if "role" in changes and changes["role"] != user.role and not _is_superuser(editor):
        raise PermissionDenied("Only an administrator can change a role.")
    if "role" in changes and changes["role"] not in Role.values:
        raise StoryRuleError(f"The role must be one of: {', '.join(Role.values)}.")
    if "email" in changes:
        changes["email"] = _checked_email(changes["email"], exclude=user)
    for name, value in changes.items():
        setattr(user, name, value.strip() if isinstance(value, str) else value)
    user.save()
    return user


def revoke_tokens(*, user: User) -> None:
    """Sign the account out everywhere: every API token issued until now is refused."""
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    forget_account(user.pk)  # an update sends no post_save
    user.refresh_from_db(fields=["token_version"])


def delete_user(*, editor: User, user: User) -> None:
    _ensure_self_or_superuser(editor, user)
    if Scenario.objects.filter(author=user).exists():
        raise StoryRuleError("This account still writes stories: delete them or hand them over first.")
    user.delete()


def delete_own_account(*, user: User, password: str) -> None:
    """A player deletes their account and their data (progress, preview links), confirming with their password."""
    if not user.is_authenticated or not user.check_password(password or ""):
        raise StoryRuleError(
            "That is not your password: nothing was deleted.", field_errors={"password": ["That is not your password."]}
        )
    delete_user(editor=user, user=user)


def sign_in(*, request, email: str, password: str) -> User:
    """The active account with this email and password, or a refusal that does not say which was wrong."""
    attempt = login_throttle.Attempt()
    user = authenticate(
        request, username=UserManager.normalize_email(email or ""), password=password or "", attempt=attempt
    )
    if user is None:
        raise StoryRuleError(attempt.refusal or "Wrong email or password.")
    return user


def _valid_email(email: str) -> str:
    email = UserManager.normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise StoryRuleError(
            "Enter a valid email address.", field_errors={"email": ["Enter a valid email address."]}
        ) from None
    return email


def _checked_email(email: str, *, exclude: User | None = None) -> str:
    email = _valid_email(email)
    taken = User.objects.filter(email=email)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise StoryRuleError("An account already uses this email.", field_errors={"email": ["Already registered."]})
    return email


def _is_superuser(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def _ensure_self_or_superuser(editor: User, user: User) -> None:
    if editor.pk != user.pk and not _is_superuser(editor):
        raise PermissionDenied("You can only change your own account.")
