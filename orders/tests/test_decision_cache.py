"""A bank's decision locks the application's own row and takes its product and partner from
the shared cache: what it writes (events, e-mails, commissions) still shows their latest
saved state, and a decision that changes nothing reads neither."""

import pytest
from django.core import mail
from django.db import connection
from rest_framework.test import APIClient

from accounts.selectors import partner_signed_in
from catalog.services import bank_issue_token
from catalog.tests.factories import BankFactory, ProductFactory
from core.models import Event, EventAudience
from orders.tests.factories import OrderFactory
from referrals.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(redis_cache):
    bank = BankFactory()
    partner = PartnerFactory(email="anna@example.com")
    return OrderFactory(partner=partner, product=ProductFactory(bank=bank), status="new")


def decide(order, body: dict, token: str):
    return APIClient().put(f"/api/order/{order.pk}/{token}/", body, format="json")


def test_the_lock_reads_the_applications_own_row(order, django_assert_max_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks to read")
    token = bank_issue_token(bank=order.product.bank)
    decide(order, {"view": True}, token)  # the bank and the product are cached now
    partner_signed_in(user_id=order.partner_id)  # and the partner, as its requests keep it

    with django_assert_max_num_queries(20) as captured:
        response = decide(order, {"status": "rejected"}, token)

    assert response.status_code == 200, response.content
    [lock] = [query["sql"] for query in captured if "FOR UPDATE" in query["sql"]]
    assert "JOIN" not in lock
    assert not [q for q in captured if 'FROM "catalog_product"' in q["sql"]]
    assert not [q for q in captured if 'FROM "accounts_user"' in q["sql"]]


def test_a_decision_that_changes_nothing_reads_no_product_and_no_partner(
    order, django_assert_num_queries
):
    token = bank_issue_token(bank=order.product.bank)
    assert decide(order, {"view": True}, token).status_code == 200

    # The bank is cached; then a savepoint-free transaction: the lock, and nothing to write.
    with django_assert_num_queries(3) as captured:
        response = decide(order, {"view": True}, token)

    assert response.status_code == 200
    assert response.json()["status"] == "viewed"
    assert all("catalog_product" not in q["sql"] for q in captured)


def test_events_show_the_product_as_last_saved(order):
    token = bank_issue_token(bank=order.product.bank)
    assert decide(order, {"view": True}, token).status_code == 200
    product = order.product
    product.name = "Renamed card"
    product.is_active = False  # withdrawn since: its applications are still decided
    product.save()

    assert decide(order, {"status": "rejected"}, token).status_code == 200

    latest = Event.objects.filter(type="application.decided").order_by("-id")
    bank_event = latest.filter(audience=EventAudience.BANK).first()
    partner_event = latest.filter(audience=EventAudience.PARTNER).first()
    assert bank_event.data["status"] == "rejected"
    assert bank_event.data["product"]["name"] == "Renamed card"
    assert partner_event.data["product"]["name"] == "Renamed card"


def test_the_partners_e_mail_goes_to_its_address_as_last_saved(
    order, settings, django_capture_on_commit_callbacks
):
    settings.TASKS_MODE = "inline"
    token = bank_issue_token(bank=order.product.bank)
    assert decide(order, {"view": True}, token).status_code == 200
    partner = order.partner
    partner.email = "anna.new@example.com"
    partner.save()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert decide(order, {"status": "rejected"}, token).status_code == 200

    assert [message.to for message in mail.outbox] == [["anna.new@example.com"]]
