"""The outbox (SPEC §11): every business event is a row written in the transaction of its
change, for its receiver, with the object as the receiver's own API shows it.

Spans every app that records events (catalog, orders, payouts), so it lives in the root tests.
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.test import APIClient

from catalog.services import bank_issue_token
from catalog.tests.factories import BankFactory, ProductFactory
from core.models import Event, EventAudience
from orders import services as order_services
from orders.tests.factories import OrderFactory
from orders.tests.helpers import confirm, form
from payouts import decisions
from payouts import services as payout_services
from referrals.tests.factories import PartnerFactory, ReferralFactory
from tests.clients import bank_client, bearer_client

pytestmark = pytest.mark.django_db
DETAILS = "IBAN DE89 3704 0044 0532 0130 00"


def events(event_type: str, audience: str | None = None) -> list[Event]:
    rows = Event.objects.filter(type=event_type).order_by("id")
    if audience:
        rows = rows.filter(audience=audience)
    return list(rows)


def item(client, url: str, object_id: int) -> dict:
    """The object as the receiver's own list shows it."""
    response = client.get(url)
    assert response.status_code == 200
    [found] = [entry for entry in response.json()["results"] if entry["id"] == object_id]
    return found


def test_a_confirmed_draft_is_submitted_to_its_bank_and_its_partner(partner, partner_client):
    product = ProductFactory()
    draft = partner_client.post("/api/orders/", {"product": product.pk}).json()
    assert Event.objects.count() == 0  # a draft is no event: the bank does not see it

    response = partner_client.post(confirm(draft["id"]), form())

    assert response.status_code == 200
    [to_bank] = events("application.submitted", EventAudience.BANK)
    [to_partner] = events("application.submitted", EventAudience.PARTNER)
    assert (to_bank.owner_id, to_partner.owner_id) == (product.bank_id, partner.pk)
    assert to_bank.data == item(bank_client(product.bank), "/api/bank/orders/", draft["id"])
    assert to_partner.data == item(partner_client, "/api/orders/", draft["id"])


@pytest.mark.parametrize("status", ["viewed", "approved", "rejected"])
def test_each_bank_decision_is_an_application_decided_event(partner, status):
    order = OrderFactory(partner=partner)
    bank = bank_client(order.product.bank)

    response = bank.patch(f"/api/bank/orders/{order.pk}/", {"status": status})

    assert response.status_code == 200
    [to_bank] = events("application.decided", EventAudience.BANK)
    [to_partner] = events("application.decided", EventAudience.PARTNER)
    assert to_bank.data == item(bank, "/api/bank/orders/", order.pk)
    assert to_bank.data["status"] == to_partner.data["status"] == status
    assert to_partner.data == item(bearer_client(partner), "/api/orders/", order.pk)


def test_a_repeated_decision_records_no_second_event(partner):
    order = OrderFactory(partner=partner)
    bank = bank_client(order.product.bank)
    bank.patch(f"/api/bank/orders/{order.pk}/", {"status": "rejected"})

    again = bank.patch(f"/api/bank/orders/{order.pk}/", {"status": "rejected"})
    refused = bank.patch(f"/api/bank/orders/{order.pk}/", {"status": "approved"})

    assert (again.status_code, refused.status_code) == (200, 409)
    assert len(events("application.decided")) == 2  # the first decision's, bank and partner


def test_an_approval_records_each_commission_for_its_own_partner(settings):
    settings.COMMISSION_HOLD_DAYS = 0
    grand, referrer, seller = PartnerFactory(), PartnerFactory(), PartnerFactory()
    ReferralFactory(referrer=grand, referred=referrer)
    ReferralFactory(referrer=referrer, referred=seller)
    order = OrderFactory(partner=seller, income=Decimal("10000.00"))

    decisions.admin_decision_apply(order_id=order.pk, status="approved")

    created = events("commission.created")
    assert {(e.owner_id, e.data["kind"]) for e in created} == {
        (seller.pk, "sale"),
        (referrer.pk, "referral_bonus_1"),
        (grand.pk, "referral_bonus_2"),
    }
    for event in created:
        owner = get_user_model().objects.get(pk=event.owner_id)
        assert event.audience == EventAudience.PARTNER
        assert event.data == item(bearer_client(owner), "/api/commissions/", event.data["id"])
        assert event.data["status"] == "available"  # no hold: as the API shows it now


def test_a_payout_request_and_its_payment_are_events_of_the_partner(settings):
    settings.COMMISSION_HOLD_DAYS = 0
    settings.PAYOUT_MIN_AMOUNT = Decimal("1.00")
    seller = PartnerFactory(payout_details=DETAILS)
    order = OrderFactory(partner=seller, income=Decimal("10000.00"))
    decisions.admin_decision_apply(order_id=order.pk, status="approved")
    client = bearer_client(seller)

    response = client.post("/api/payouts/")

    assert response.status_code == 201
    [requested] = events("payout.requested")
    assert (requested.audience, requested.owner_id) == (EventAudience.PARTNER, seller.pk)
    assert requested.data == item(client, "/api/payouts/", response.json()["id"])
    assert "DE89" not in str(requested.data)  # masked, as in the list

    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456")
    payout_services.payout_mark_paid(payout_id=response.json()["id"], admin=admin, reference="T1")

    [paid] = events("payout.paid")
    assert paid.data == item(client, "/api/payouts/", response.json()["id"])
    assert paid.data["status"] == "paid"


def test_a_reversal_of_a_paid_commission_records_its_clawback(settings):
    settings.COMMISSION_HOLD_DAYS = 0
    settings.PAYOUT_MIN_AMOUNT = Decimal("1.00")
    seller = PartnerFactory(payout_details=DETAILS)
    order = OrderFactory(partner=seller, income=Decimal("10000.00"))
    bank = bank_client(order.product.bank)
    bank.patch(f"/api/bank/orders/{order.pk}/", {"status": "approved"})
    payout = payout_services.payout_request(partner=seller)
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456")
    payout_services.payout_mark_paid(payout_id=payout.pk, admin=admin)

    response = bank.patch(f"/api/bank/orders/{order.pk}/", {"status": "reversed"})

    assert response.status_code == 200
    clawback = [e for e in events("commission.created") if e.data["kind"] == "clawback"]
    assert len(clawback) == 1
    order.refresh_from_db()
    assert clawback[0].data["amount"] == f"-{order.reward}"
    decided = events("application.decided", EventAudience.BANK)
    assert [e.data["status"] for e in decided] == ["approved", "reversed"]


def test_a_catalogue_import_is_an_event_of_its_bank():
    bank = BankFactory(name="Example Bank")
    token = bank_issue_token(bank=bank)
    body = (
        "bank: Example Bank\ncategories:\n  - {id: c, name: Cards}\n"
        "products:\n  - {id: p1, name: Card, category: c, percent_user: 1.5, percent_bank: 3}\n"
    )
    response = APIClient().post(
        "/api/bank/catalog/",
        body,
        content_type="application/x-yaml",
        HTTP_AUTHORIZATION=f"Bank {token}",
    )

    assert response.status_code == 200
    [imported] = events("catalog.imported")
    assert (imported.audience, imported.owner_id) == (EventAudience.BANK, bank.pk)
    assert imported.data == {"bank": {"id": bank.pk, "name": "Example Bank"}, **response.json()}


class RolledBack(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_change_that_rolls_back_leaves_no_event():
    partner, product = PartnerFactory(), ProductFactory()
    order = OrderFactory(partner=partner)
    Event.objects.all().delete()

    with pytest.raises(RolledBack), transaction.atomic():
        order_services.order_create_from_link(
            username=partner.username,
            product_id=product.pk,
            income=Decimal("100.00"),
            email_client="client@example.com",
            phone="+79991234567",
        )
        decisions.admin_decision_apply(order_id=order.pk, status="approved")
        assert Event.objects.count() >= 3  # written inside the transaction...
        raise RolledBack

    assert not Event.objects.exists()  # ...and gone with it


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_commits_its_events_and_hands_them_on(settings):
    partner, product = PartnerFactory(), ProductFactory()

    order = order_services.order_create_from_link(
        username=partner.username,
        product_id=product.pk,
        income=Decimal("100.00"),
        email_client="client@example.com",
        phone="+79991234567",
    )

    rows = events("application.submitted")
    assert [(e.audience, e.data["id"]) for e in rows] == [
        (EventAudience.BANK, order.pk),
        (EventAudience.PARTNER, order.pk),
    ]
    # Handed on after the commit (inline here): nobody subscribed, so dispatched at once.
    assert all(e.dispatched_at is not None for e in rows)
