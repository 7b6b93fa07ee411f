"""A partner cannot apply through its own link with its own phone or e-mail (issue 11,
point 8; SPEC §7): it would be paid a reward for itself once the bank approves."""

import pytest

from catalog.tests.factories import ProductFactory
from orders.models import Order
from orders.tests.factories import OrderFactory
from orders.tests.helpers import form, link
from referrals.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

ORDERS = "/admin/orders/order/"


@pytest.fixture
def partner_with_contact():
    return PartnerFactory(phone="+79995550101", email="Anna.K@Example.com")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "+79995550101"}, "phone"),
        ({"phone": "8 999 555-01-01"}, "phone"),  # the same number, national form
        ({"email_client": "anna.k@example.com"}, "email_client"),  # any letter case
    ],
)
def test_own_phone_or_email_is_400_on_that_field(
    api_client, partner_with_contact, overrides, field
):
    product = ProductFactory()
    response = api_client.post(link(partner_with_contact.username, product.pk), form(**overrides))

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert not Order.objects.exists()


def test_another_clients_contact_is_accepted(api_client, partner_with_contact):
    product = ProductFactory()
    response = api_client.post(link(partner_with_contact.username, product.pk), form())
    assert response.status_code == 201


def test_partner_without_email_or_phone_refuses_nothing_blank(api_client):
    partner = PartnerFactory(email="", phone=None)
    product = ProductFactory()
    assert api_client.post(link(partner.username, product.pk), form()).status_code == 201


def test_admin_flags_applications_with_the_partners_own_contact(admin_client, partner_with_contact):
    own_phone = OrderFactory(partner=partner_with_contact, phone="+79995550101")
    own_email = OrderFactory(partner=partner_with_contact, email_client="ANNA.K@example.com")
    clean = OrderFactory(partner=partner_with_contact)

    flagged = admin_client.get(ORDERS, {"own_contact": "yes"})
    unflagged = admin_client.get(ORDERS, {"own_contact": "no"})

    assert flagged.status_code == unflagged.status_code == 200
    assert {order.pk for order in flagged.context["cl"].result_list} == {
        own_phone.pk,
        own_email.pk,
    }
    assert {order.pk for order in unflagged.context["cl"].result_list} == {clean.pk}
    assert [order.own_contact for order in admin_client.get(ORDERS).context["cl"].result_list]
