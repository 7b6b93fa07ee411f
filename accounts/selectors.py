"""Reads of partners, and the profile that higher apps add their parts to.

`accounts` may not import `referrals` or `orders` (see STYLE.md), yet the profile shows a
partner's invite code, referrals, applications and earnings. So those apps register, from
their `AppConfig.ready()`, functions that add their keys; this module calls them with the user.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model

User = get_user_model()

ProfileProvider = Callable[[Any], dict]
_user_field_providers: list[ProfileProvider] = []
_section_providers: list[ProfileProvider] = []
# name -> factory of the serializer field that documents a section (for the OpenAPI schema)
_section_schemas: dict[str, Callable[[], Any]] = {}

# The keys of the profile's "User" item that referrals fill in; shown empty until it does.
REFERRAL_FIELD_DEFAULTS = {
    "invite_code": None,
    "activated_code": None,
    "referrals_count": 0,
    "referrals": [],
}


def register_profile_user_fields(provider: ProfileProvider) -> None:
    """Add the keys `provider(user)` returns to the profile's "User" item."""
    if provider not in _user_field_providers:
        _user_field_providers.append(provider)


def register_profile_section(
    provider: ProfileProvider, *, schema: dict[str, Callable[[], Any]] | None = None
) -> None:
    """Add the top-level keys `provider(user)` returns to the profile.

    `schema` maps each key to a factory of the serializer field that documents it.
    """
    if provider not in _section_providers:
        _section_providers.append(provider)
    _section_schemas.update(schema or {})


def profile_section_schemas() -> dict[str, Callable[[], Any]]:
    return dict(_section_schemas)


def partner_by_id(*, user_id: int):
    return User.objects.select_related("bank").filter(pk=user_id).first()


def partner_active_by_username(*, username: str):
    """The active partner with that username, in any letter case (as uniqueness is), or None."""
    return User.objects.with_username(username).filter(is_active=True).first()


def profile_user_item(*, user) -> dict:
    """The profile's "User" item: the partner's own fields plus what other apps add."""
    item = {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "phone": user.phone,
        "bank": {"id": user.bank.pk, "name": user.bank.name} if user.bank_id else None,
        "first_name": user.first_name,
        "last_name": user.last_name,
        **REFERRAL_FIELD_DEFAULTS,
    }
    for provider in _user_field_providers:
        item.update(provider(user))
    return item


def partner_profile(*, user) -> dict:
    """`GET /api/profile/`: the seed's "User" list, then each registered section."""
    profile: dict = {"User": [profile_user_item(user=user)]}
    for provider in _section_providers:
        profile.update(provider(user))
    return profile
