"""JWT pairs that die when the partner's credentials change: issuing, refreshing, ending them.

Every token carries a `stamp`: a keyed hash of the user's password hash, username, phone and
active flag, and of its `token_version`, which grows with every change of those. Authentication
recomputes it, so changing any of them (or deactivating the user) ends every token issued
before, access tokens included, at once, with no list to keep; and changing a value back (a
rename and a rename back, a deactivation and a reactivation) does not revive them, because the
version has moved on.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from accounts.errors import InvalidTokenError

STAMP_CLAIM = "stamp"


def token_stamp(user) -> str:
    value = (
        f"{user.pk}:{user.token_version}:{user.password}:{user.username}:{user.phone or ''}"
        f":{user.is_active}"
    )
    return salted_hmac("accounts.tokens.stamp", value, algorithm="sha256").hexdigest()[:32]


def stamp_matches(token, user) -> bool:
    return constant_time_compare(str(token.get(STAMP_CLAIM, "")), token_stamp(user))


def issue_token_pair(user) -> dict[str, str]:
    """A fresh `{access, refresh}` pair for `user`, stamped with its current credentials."""
    refresh = RefreshToken.for_user(user)
    refresh[STAMP_CLAIM] = token_stamp(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def _user_of(token):
    """The active user a token was issued to, if its credentials have not changed since."""
    user_id = token.get(jwt_settings.USER_ID_CLAIM)
    User = get_user_model()
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
