"""Phones with letters are refused; SMS codes go only to the served regions (issue 11,
point 6; SPEC §7).

`+7916abc1234` was stored as `+79162221234` (phonenumbers reads letters as keypad digits),
and codes went to any country: +44, +1 and +234 numbers were accepted, an invitation to SMS
pumping at 20 codes per address per hour.
"""

import pytest

from accounts.phones import normalize_phone
from accounts.tests.helpers import send
from catalog.tests.factories import ProductFactory
from orders.tests.helpers import form, link
from referrals.tests.factories import PartnerFactory

LETTERED = ["+7916abc1234", "8 916 ABC-12-34", "+7 (916) 2two2-12-34", "+79161234567x"]


@pytest.mark.parametrize("value", LETTERED)
def test_phone_with_letters_is_not_a_number(value):
    assert normalize_phone(value) is None


@pytest.mark.django_db
@pytest.mark.parametrize("value", LETTERED)
def test_phone_with_letters_is_400_everywhere(api_client, outbox, value):
    response = send(api_client, phone=value)
    assert response.status_code == 400
    assert set(response.json()) == {"phone"}
    assert outbox.messages() == []

    partner = PartnerFactory()
    product = ProductFactory()
    response = api_client.post(link(partner.username, product.pk), form(phone=value))
    assert response.status_code == 400
    assert set(response.json()) == {"phone"}


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["+44 20 7946 0018", "+1 202 555 0143", "+234 803 123 4567"])
def test_codes_go_only_to_allowed_regions(api_client, outbox, phone):
    response = send(api_client, phone=phone)

    assert response.status_code == 400
    assert response.json() == {"phone": ["Codes are sent by SMS only to numbers of: RU."]}
    assert outbox.messages() == []


@pytest.mark.django_db
def test_allowed_regions_come_from_the_settings(api_client, outbox, settings):
    settings.PHONE_ALLOWED_REGIONS = ["RU", "GB"]
    assert send(api_client, phone="+44 20 7946 0018").status_code == 202
    assert send(api_client, phone="+79991234567").status_code == 202
    assert send(api_client, phone="+1 202 555 0143").status_code == 400
