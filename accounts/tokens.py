"""JWT pairs that die when the partner's credentials change.

Every token carries a `stamp`: a keyed hash of the user's password hash, username, phone and
active flag, and of its `token_version`, which grows with every change of those. Authentication
recomputes it, so changing any of them (or deactivating the user) ends every token issued
before, access tokens included, at once, with no list to keep; and changing a value back (a
rename and a rename back, a deactivation and a reactivation) does not revive them, because the
version has moved on.
"""

from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

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


__all__ = ["STAMP_CLAIM", "TokenError", "issue_token_pair", "stamp_matches", "token_stamp"]
