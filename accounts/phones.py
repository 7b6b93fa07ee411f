"""Phone numbers: accepted in the usual national and international forms, kept in E.164."""

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext_lazy as _

INVALID_PHONE = _("Enter a valid phone number.")


def normalize_phone(value: str, *, region: str | None = None) -> str | None:
    """`+79991234567` for `8 (999) 123-45-67`, `+7 999 123 45 67`...; None when not a number.

    Numbers without `+` are read in `PHONE_DEFAULT_REGION` (default RU); one with an extension
    is refused.
    """
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        return None
    try:
        number = phonenumbers.parse(value, region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if number.extension or not phonenumbers.is_valid_number(number):
        # E.164 has no room for an extension: dropping it would keep another number.
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str | None) -> str | None:
    """`+7999***4567`: enough to recognise one's own referral, not to call them."""
    if not phone:
        return phone
    return f"{phone[:5]}***{phone[-4:]}" if len(phone) > 9 else "***"
