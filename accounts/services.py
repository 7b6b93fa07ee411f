"""Writes for partners and their tokens."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from rest_framework import status
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from accounts.tokens import TokenError, issue_token_pair, stamp_matches, token_stamp
from config.exceptions import ApplicationError

User = get_user_model()


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
) -> User:
    """Create a partner with a hashed password.

    The serializer already refused taken names; the constraints catch the race of two
    simultaneous registrations, which then answers the same 400 instead of a 500.
    """
    user = User(
        username=username, email=email, first_name=first_name, last_name=last_name, bank=bank
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        if User.objects.filter(username__iexact=username).exists():
            raise UsernameTakenError(field="username") from exc
        raise EmailTakenError(field="email") from exc
    return user


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
    """Change the partner's own writable fields.

    Returns a fresh token pair when the change ended the earlier tokens (a new username),
    else None. Uniqueness races end as the same 400 as the serializer's check.
    """
    stamp_before = token_stamp(user)
    for field in ("username", "email", "first_name", "last_name"):
        if field in data:
            setattr(user, field, data[field])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        if User.objects.filter(username__iexact=user.username).exclude(pk=user.pk).exists():
            raise UsernameTakenError(field="username") from exc
        raise EmailTakenError(field="email") from exc
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
