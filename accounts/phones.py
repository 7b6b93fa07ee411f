"""Phone numbers: accepted in the usual national and international forms, kept in E.164."""

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext_lazy as _

INVALID_PHONE = _("Enter a valid phone number.")
REGION_NOT_SERVED = _("Codes are sent by SMS only to numbers of: {regions}.")


def normalize_phone(value: str, *, region: str | None = None) -> str | None:
    """`+79991234567` for `8 (999) 123-45-67`, `+7 999 123 45 67`...; None when not a number.

    Numbers without `+` are read in `PHONE_DEFAULT_REGION` (default RU); one with an extension
    is refused, and so is one with letters: phonenumbers reads `+7916abc1234` as the keypad's
    digits (`+79162221234`), somebody else's number.
    """
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        return None
    if any(char.isalpha() for char in value):
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


def phone_region_served(phone: str) -> bool:
    """Whether SMS codes go to the E.164 `phone`'s region: one of `PHONE_ALLOWED_REGIONS`.

    Codes sent anywhere are an invitation to SMS pumping (premium-rate numbers abroad earning
    per message), so only the regions the platform serves get them.
    """
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.region_code_for_number(number) in settings.PHONE_ALLOWED_REGIONS
