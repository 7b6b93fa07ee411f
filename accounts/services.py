"""Writes for partners, their tokens and their one-time SMS codes."""

import math
import random
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from accounts.models import PhoneCode
from accounts.sms import send_sms
from accounts.tokens import TokenError, issue_token_pair, stamp_matches, token_stamp
from core import ratelimit
from core.errors import ApplicationError, ConflictError

User = get_user_model()

# --- Hooks for higher apps ----------------------------------------------------------------
# `accounts` may not import `referrals` (STYLE.md), yet sign-up takes an invite code. So the
# two sign-up paths send these signals and `referrals` answers them from its `ready()`.

#: Sent with `invite_code=` before a partner is created with that code, so that an unusable
#: code is refused before anything is written: a receiver raises
#: `ApplicationError(field="invite_code")`.
invite_code_check = Signal()

#: Sent inside the creating transaction with `user=` and `invite_code=` (None when none was
#: given); a receiver may refuse by raising `ApplicationError`, which rolls the partner back.
partner_created = Signal()


class InvalidTokenError(ApplicationError):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Token is invalid or expired."


class UsernameTakenError(ApplicationError):
    default_detail = "A user with that username already exists."


class EmailTakenError(ApplicationError):
    default_detail = "A user with that e-mail already exists."


def partner_register(
    *,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    bank=None,
    invite_code: str | None = None,
) -> User:
    """Create a partner with a hashed password, referred by the owner of `invite_code`.

    The username is stored NFKC-normalised. The serializer already refused taken names; the
    constraints catch the race of two simultaneous registrations, which then answers the same
    400, on the field that was taken, instead of a 500. An unusable invite code is refused
    before the partner is written, and again inside the transaction.
    """
    if invite_code:
        invite_code_check.send(sender=User, invite_code=invite_code)
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
            partner_created.send(sender=User, user=user, invite_code=invite_code or None)
    except IntegrityError as exc:
        raise _taken_error(user) from exc
    return user


def _taken_error(user) -> ApplicationError:
    """Which unique constraint `user` ran into, asked with the constraints' own comparison."""
    others = User.objects.exclude(pk=user.pk) if user.pk else User.objects.all()
    if others.with_username(user.username).exists():
        return UsernameTakenError(field="username")
    if user.email and others.with_email(user.email).exists():
        return EmailTakenError(field="email")
    return ConflictError("Could not save the partner, try again.")


def _user_of(token) -> User:
    """The active user a token was issued to, if its credentials have not changed since."""
    user_id = token.get(jwt_settings.USER_ID_CLAIM)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or not stamp_matches(token, user):
        raise InvalidTokenError()
    return user


def _parse_refresh(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)
    except TokenError as exc:
        raise InvalidTokenError() from exc


def _spend_refresh(token: RefreshToken) -> None:
    """Blacklist `token`, or fail if it already is: the one-to-one row is the single-use guard.

    Twenty simultaneous refreshes all pass simplejwt's blacklist check; only one of them can
    insert the `BlacklistedToken` row, the others hit the unique constraint and are refused.
    """
    jti = token[jwt_settings.JTI_CLAIM]
    outstanding = OutstandingToken.objects.filter(jti=jti).first()
    if outstanding is None:
        raise InvalidTokenError()
    try:
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError as exc:
        raise InvalidTokenError() from exc


def token_refresh(*, refresh: str) -> dict[str, str]:
    """Exchange a refresh token for a new pair; the old refresh token stops working."""
    token = _parse_refresh(refresh)
    user = _user_of(token)
    _spend_refresh(token)
    return issue_token_pair(user)


def token_logout(*, refresh: str) -> None:
    """End a refresh token."""
    _spend_refresh(_parse_refresh(refresh))


def token_verify(*, token: str) -> None:
    """Refuse a token that is malformed, expired, blacklisted or older than a credential change."""
    try:
        parsed = UntypedToken(token)
    except TokenError as exc:
        raise InvalidTokenError() from exc
    is_refresh = parsed.get(jwt_settings.TOKEN_TYPE_CLAIM) == "refresh"
    jti = parsed.get(jwt_settings.JTI_CLAIM)
    if is_refresh and BlacklistedToken.objects.filter(token__jti=jti).exists():
        raise InvalidTokenError()
    _user_of(parsed)


class WrongPasswordError(ApplicationError):
    default_detail = "Wrong password."


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
            accepted = not change_phone or _phone_code_spend(
                phone=new_phone, code=data.get("phone_code") or ""
            )
            if accepted:
                if change_phone:
                    if User.objects.filter(phone=new_phone).exclude(pk=user.pk).exists():
                        raise PhoneTakenError()
                    user.phone = new_phone
                for field in ("username", "email", "first_name", "last_name"):
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


# --- One-time SMS codes -------------------------------------------------------------------

PHONE_CODE_SENT = "If the number can receive SMS, a code has been sent."
HOUR = 3600


class InvalidPhoneCodeError(ApplicationError):
    """One message for wrong, expired, used, exhausted and unknown codes: nothing to learn."""

    default_detail = "Invalid or expired code."


class PhoneTakenError(ConflictError):
    default_detail = "This phone number belongs to another partner."


@dataclass(frozen=True)
class PhoneSignIn:
    user: User
    created: bool
    tokens: dict[str, str]


def _phone_code_hash(*, phone: str, code: str) -> str:
    """HMAC keyed by SECRET_KEY over phone and code: useless for any other phone."""
    return salted_hmac("accounts.PhoneCode", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _phone_code_message(code: str) -> str:
    minutes = max(math.ceil(settings.PHONE_CODE_TTL / 60), 1)
    return f"{code} is your sign-in code. It expires in {minutes} min. Never share it."


def phone_code_send(*, phone: str, client_ip: str) -> None:
    """Send a new one-time code to `phone`, within the resend pause and the hourly caps.

    The limits count in the shared store (`core.ratelimit`), atomically, so they hold
    across worker processes and under bursts: of eight simultaneous requests for one phone
    only the first passes the resend pause and one SMS goes out. The caller answers the same
    for registered and unknown phones. If the SMS cannot be handed over, the new code is
    rolled back (no usable code that was never sent), the pause is lifted so the partner can
    retry at once, and `SmsDeliveryError` (503) goes up.
    """
    resend_key = f"otp:resend:{phone}"
    if settings.PHONE_CODE_RESEND_SECONDS > 0:
        pause = ratelimit.hit(resend_key, window=settings.PHONE_CODE_RESEND_SECONDS)
        if pause.count > 1:
            raise Throttled(wait=pause.retry_after)
    # The client's own cap first, so a client over it cannot use up a phone's hourly budget.
    # A refused request sent nothing, so it lifts the pause it had just started.
    for key, cap in (
        (f"otp:ip:{client_ip}", settings.PHONE_CODE_PER_IP_HOURLY),
        (f"otp:phone:{phone}", settings.PHONE_CODE_PER_PHONE_HOURLY),
    ):
        counted = ratelimit.hit(key, window=HOUR)
        if counted.count > cap:
            ratelimit.clear(resend_key)
            raise Throttled(wait=counted.retry_after)

    code = "".join(secrets.choice(string.digits) for _ in range(settings.PHONE_CODE_LENGTH))
    now = timezone.now()
    try:
        with transaction.atomic():
            # Only the newest code of a phone lives: the older ones go with this one's birth.
            PhoneCode.objects.filter(phone=phone).delete()
            PhoneCode.objects.create(
                phone=phone,
                code_hash=_phone_code_hash(phone=phone, code=code),
                created_at=now,
                expires_at=now + timedelta(seconds=settings.PHONE_CODE_TTL),
            )
            send_sms(to=phone, text=_phone_code_message(code))
    except Exception:
        # Nothing was sent: no pause before the next try.
        ratelimit.clear(resend_key)
        raise
    if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
        PhoneCode.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()


def _phone_code_spend(*, phone: str, code: str) -> bool:
    """Use the live code of `phone` if `code` matches it; count a wrong try otherwise.

    Runs inside the caller's transaction, which must commit even when this returns False (the
    caller raises after the block), so that a wrong try stays counted. The row lock makes the
    code single-use: simultaneous tries wait for each other and see it used.
    """
    row = PhoneCode.objects.select_for_update().filter(phone=phone).order_by("-id").first()
    now = timezone.now()
    if (
        row is None
        or row.used_at is not None
        or row.expires_at <= now
        or row.attempts >= settings.PHONE_CODE_MAX_ATTEMPTS
    ):
        return False
    if not constant_time_compare(row.code_hash, _phone_code_hash(phone=phone, code=code)):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        return False
    row.used_at = now
    row.save(update_fields=["used_at"])
    return True


def _random_username() -> str:
    """`p-7k2m9x4q`: says nothing about the partner (not even the phone)."""
    alphabet = string.ascii_lowercase + string.digits
    return "p-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _partner_create_by_phone(*, phone: str, invite_code: str | None) -> User:
    for _ in range(10):
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
        partner_created.send(sender=User, user=user, invite_code=invite_code)
        return user
    raise ConflictError("Could not register the partner, try again.")


def phone_sign_in(*, phone: str, code: str, invite_code: str | None = None) -> PhoneSignIn:
    """Sign in with a one-time code; the first success for a new phone registers the partner.

    The invite code is checked first, so an unusable one leaves the one-time code unspent and
    creates nothing; it only counts when this sign-in registers the partner (a partner that
    exists applies a code through the referrals API). The code is spent and the partner
    created in one transaction: if the creation fails, the code stays usable. A deactivated
    partner gets the same answer as a wrong code.
    """
    if invite_code:
        invite_code_check.send(sender=User, invite_code=invite_code)
    user = None
    created = False
    with transaction.atomic():
        accepted = _phone_code_spend(phone=phone, code=code)
        if accepted:
            user = User.objects.filter(phone=phone).first()
            if user is None:
                user = _partner_create_by_phone(phone=phone, invite_code=invite_code or None)
                created = True
            elif not user.is_active:
                raise InvalidPhoneCodeError()
    if not accepted or user is None:
        # Raised after the commit, so the wrong try stays counted.
        raise InvalidPhoneCodeError()
    return PhoneSignIn(user=user, created=created, tokens=issue_token_pair(user))
