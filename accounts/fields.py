"""DRF fields of partners' data, shared by the serializers of every app that takes them."""

import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import RegexValidator
from rest_framework import serializers

from accounts.phones import (
    INVALID_PHONE,
    REGION_NOT_SERVED,
    normalize_phone,
    phone_region_served,
)

User = get_user_model()

# The model's own check (letters, digits and @.+-_), without its case-sensitive uniqueness,
# which the serializers check regardless of case. A username is part of the partner's links,
# so one of dots alone (`..`) is refused too.
USERNAME_VALIDATORS = [
    UnicodeUsernameValidator(),
    RegexValidator(
        r"^\.+$", inverse_match=True, message="A username cannot be made of dots alone."
    ),
]

USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length
USERNAME_HELP = (
    "Letters, digits and @.+-_ only; unique regardless of letter case. Stored NFKC-normalised "
    "(`ﬁnn` is `finn`)."
)


class UsernameField(serializers.CharField):
    """A username, NFKC-normalised before any check, as Django's own forms do.

    Without it, names that look alike but differ in code points (`ﬁnn` and `finn`; `sam` spelt
    with the long s, U+017F, and `sam`) could be registered side by side, whatever the
    database thinks of their case.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", USERNAME_MAX_LENGTH)
        kwargs.setdefault("validators", USERNAME_VALIDATORS)
        kwargs.setdefault("help_text", USERNAME_HELP)
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        return unicodedata.normalize("NFKC", super().to_internal_value(data))


class BankIdField(serializers.PrimaryKeyRelatedField):
    """A bank's id: a JSON integer or a string of digits, nothing else.

    DRF's own field passes anything to `int()`: `1.5` became bank 1 and `1e400` (infinity) an
    `OverflowError`, a 500.
    """

    def to_internal_value(self, data):
        if isinstance(data, str) and data.isascii() and data.isdigit():
            if len(data) > 20:  # more than any id can have: spare int() a huge string
                self.fail("does_not_exist", pk_value=f"{data[:20]}...")
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class PhoneNumberField(serializers.CharField):
    """A DRF field that validates a phone number and gives it back in E.164."""

    default_error_messages = {"invalid_phone": INVALID_PHONE}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        value = super().to_internal_value(data)
        normalized = normalize_phone(value)
        if normalized is None:
            self.fail("invalid_phone")
        return normalized


class SmsPhoneNumberField(PhoneNumberField):
    """A phone a one-time code will be sent to: also in one of `PHONE_ALLOWED_REGIONS`."""

    default_error_messages = {"region_not_served": REGION_NOT_SERVED}

    def to_internal_value(self, data) -> str:
        phone = super().to_internal_value(data)
        if not phone_region_served(phone):
            self.fail("region_not_served", regions=", ".join(settings.PHONE_ALLOWED_REGIONS))
        return phone
