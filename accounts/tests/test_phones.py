import pytest

from accounts.phones import mask_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    ["+79991234567", "89991234567", "8 (999) 123-45-67", "+7 999 123 45 67", "9991234567"],
)
def test_usual_forms_normalise_to_e164(raw):
    assert normalize_phone(raw) == "+79991234567"


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "abc", "+7999", "12", "+1 555", "9" * 50, None, 123, "+7 999 123 45 67 ext. 12"],
)
def test_invalid_numbers_are_none(raw):
    assert normalize_phone(raw) is None


def test_default_region_is_a_setting(settings):
    settings.PHONE_DEFAULT_REGION = "GB"

    assert normalize_phone("020 7946 0018") == "+442079460018"


def test_mask_keeps_country_and_last_digits():
    assert mask_phone("+79991234567") == "+7999***4567"
    assert mask_phone(None) is None
