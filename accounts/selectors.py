"""Reads of partners. "Taken" means taken regardless of letter case, as the constraints say
(`accounts.models.PartnerQuerySet`): the API's serializers, the admin's forms and the services
all ask here."""

import hashlib

from django.contrib.auth import get_user_model

from core.cache import cached

User = get_user_model()


def _others(by_other_than):
    if by_other_than is None or by_other_than.pk is None:
        return User.objects.all()
    return User.objects.exclude(pk=by_other_than.pk)


def username_taken(*, username: str, by_other_than=None) -> bool:
    """Whether a partner (other than `by_other_than`) has this username, in any letter case."""
    return _others(by_other_than).with_username(username).exists()


def email_taken(*, email: str, by_other_than=None) -> bool:
    """Whether a partner (other than `by_other_than`) has this e-mail; a blank one never is."""
    return bool(email) and _others(by_other_than).with_email(email).exists()


def partner_by_phone(*, phone: str):
    """The partner with this E.164 phone, active or not, or None."""
    return User.objects.filter(phone=phone).first()


USERNAMES_CACHE = "usernames"


class _UnknownUsername(Exception):
    """No active partner has the name: nothing to keep (made-up names fill no cache)."""


def _partner_active_by_username(username: str):
    return User.objects.with_username(username).filter(is_active=True).first()


def partner_active_by_username(*, username: str):
    """The active partner with that username, in any letter case (as uniqueness is), or None.

    Every visit of a referral link asks this, so the shared cache keeps, for this very
    spelling of the name, the id the database found and the username it had then; the partner
    itself is `partner_signed_in`'s copy, which every save and delete renews. While that copy
    is active and still has that username, the database would answer the same; after a
    rename, a deactivation or a deletion the database is asked again.
    """
    loaded = []

    def load() -> tuple[int, str]:
        partner = _partner_active_by_username(username)
        if partner is None:
            raise _UnknownUsername
        loaded.append(partner)
        return partner.pk, partner.username

    part = hashlib.sha256(username.encode()).hexdigest()[:40]
    try:
        partner_id, stored_username = cached(USERNAMES_CACHE, load, part=part)
    except _UnknownUsername:
        return None
    if loaded:
        return loaded[0]
    partner = partner_signed_in(user_id=partner_id)
    if partner is not None and partner.is_active and partner.username == stored_username:
        return partner
    return _partner_active_by_username(username)


def partner_signed_in(*, user_id):
    """The partner (or staff member) a token names, from the shared cache when there is one.

    The copy is renewed by every save and delete of the user (`User.cache_name`), so a
    deactivation or a change of credentials is seen by the very next request.
    """
    return cached(User.cache_name(user_id), lambda: User.objects.filter(pk=user_id).first())
