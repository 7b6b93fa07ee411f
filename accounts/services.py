"""Writes of partners: creating one (by password or by phone), its own changes, its password.

What a new partner gets from other apps (its personal invite code, its referrer) is added by
the flows of `partners.services`, which call these inside their transaction.
"""

import secrets
import string

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts import selectors
from accounts.errors import (
    EmailTakenError,
    InvalidPhoneCodeError,
    PhoneTakenError,
    UsernameTakenError,
    WrongPasswordError,
)
from accounts.phone_codes import phone_code_spend
from accounts.tokens import issue_token_pair, token_stamp
from core.errors import ApplicationError, ConflictError

User = get_user_model()


def partner_create(
    *,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    bank=None,
) -> User:
    """Create a partner with a hashed password; the username is stored NFKC-normalised.

    The serializer already refused taken names; the constraints catch the race of two
    simultaneous registrations, which then answers the same 400, on the field that was taken,
    instead of a 500.
    """
    user = User(
        username=User.normalize_username(username),
        email=email,
        first_name=first_name,
        last_name=last_name,
        bank=bank,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise _taken_error(user) from exc
    return user


def _taken_error(user) -> ApplicationError:
    """Which unique constraint `user` ran into, asked with the constraints' own comparison."""
    if selectors.username_taken(username=user.username, by_other_than=user):
        return UsernameTakenError(field="username")
    if selectors.email_taken(email=user.email, by_other_than=user):
        return EmailTakenError(field="email")
    return ConflictError(_("Could not save the partner, try again."))


def _random_username() -> str:
    """`p-7k2m9x4q`: says nothing about the partner (not even the phone)."""
    alphabet = string.ascii_lowercase + string.digits
    return "p-" + "".join(secrets.choice(alphabet) for _ in range(8))


def partner_create_by_phone(*, phone: str) -> User:
    """A partner signing up by phone: a random username and no usable password."""
    for _attempt in range(10):
        user = User(username=_random_username(), phone=phone)
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:
            if User.objects.filter(phone=phone).exists():
                # Another partner took the number at this very moment.
                raise PhoneTakenError() from exc
            continue  # the random username was taken: draw again
        return user
    raise ConflictError(_("Could not register the partner, try again."))


def partner_update(*, user, data: dict) -> dict[str, str] | None:
    """Change the partner's own writable fields; a new phone only with the code sent to it.

    Returns a fresh token pair when the change ended the earlier tokens (a new username or
    phone), else None. Uniqueness races end as the same 400 as the serializer's check; a phone
    that belongs to another partner is a 409, told only to whoever proved to hold the number.
    A wrong code changes nothing but counts as one of the code's tries.
    """
    stamp_before = token_stamp(user)
    if "username" in data:
        data = {**data, "username": User.normalize_username(data["username"])}
    new_phone = data.get("phone")
    change_phone = bool(new_phone) and new_phone != user.phone
    try:
        with transaction.atomic():
            accepted = not change_phone or phone_code_spend(
                phone=new_phone, code=data.get("phone_code") or ""
            )
            if accepted:
                if change_phone:
                    if User.objects.filter(phone=new_phone).exclude(pk=user.pk).exists():
                        raise PhoneTakenError()
                    user.phone = new_phone
                for field in ("username", "email", "first_name", "last_name", "payout_details"):
                    if field in data:
                        setattr(user, field, data[field])
                user.save()
    except IntegrityError as exc:
        if change_phone and User.objects.filter(phone=new_phone).exclude(pk=user.pk).exists():
            raise PhoneTakenError() from exc
        raise _taken_error(user) from exc
    if not accepted:
        # Raised after the commit, so the wrong try stays counted.
        raise InvalidPhoneCodeError(field="phone_code")
    if token_stamp(user) != stamp_before:
        return issue_token_pair(user)
    return None


def partner_change_password(*, user, old_password: str, new_password: str) -> dict[str, str]:
    """Set a new password; every earlier token dies and a fresh pair comes back."""
    if not user.check_password(old_password):
        raise WrongPasswordError(field="old_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return issue_token_pair(user)
