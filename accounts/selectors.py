"""Reads of partners. "Taken" means taken regardless of letter case, as the constraints say
(`accounts.models.PartnerQuerySet`): the API's serializers, the admin's forms and the services
all ask here."""

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


def partner_active_by_username(*, username: str):
    """The active partner with that username, in any letter case (as uniqueness is), or None."""
    return User.objects.with_username(username).filter(is_active=True).first()


def partner_signed_in(*, user_id):
    """The partner (or staff member) a token names, from the shared cache when there is one.

    The copy is renewed by every save and delete of the user (`User.cache_name`), so a
    deactivation or a change of credentials is seen by the very next request.
    """
    return cached(User.cache_name(user_id), lambda: User.objects.filter(pk=user_id).first())
