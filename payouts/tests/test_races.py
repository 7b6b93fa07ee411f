"""Simultaneous requests that move money, with real threads on PostgreSQL: one payout of many
requests, commissions exactly once of many approvals, a reversal racing a payout."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from rest_framework.test import APIClient

from catalog.services import bank_issue_token
from catalog.tests.factories import ProductFactory
from orders.tests.factories import OrderFactory
from payouts.models import Commission, Payout
from payouts.tests.factories import CommissionFactory
from referrals.tests.factories import PartnerFactory, ReferralFactory
from tests.clients import bearer_client
from tests.concurrency import run_at_once, skip_unless_postgresql

pytestmark = pytest.mark.django_db(transaction=True)
BURST = 10


@pytest.fixture(autouse=True)
def _postgresql_only(settings):
    skip_unless_postgresql()
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "partner_write": "1000/min"}
    settings.PAYOUT_MIN_AMOUNT = Decimal("1000.00")
    settings.COMMISSION_HOLD_DAYS = 0


def test_of_simultaneous_payout_requests_exactly_one_succeeds():
    partner = PartnerFactory(payout_details="account 40817810099910004312")
    for _ in range(5):
        CommissionFactory(partner=partner, amount=Decimal("300.00"))
    clients = [bearer_client(partner) for _ in range(BURST)]

    statuses = run_at_once([lambda c=c: c.post("/api/payouts/").status_code for c in clients])

    assert sorted(statuses) == [201] + [409] * (BURST - 1)
    payout = Payout.objects.get()
    assert payout.amount == Decimal("1500.00")
    assert payout.commissions.count() == 5


def test_of_simultaneous_approvals_the_commissions_are_written_once():
    referrer = PartnerFactory()
    seller = PartnerFactory()
    ReferralFactory(referred=seller, referrer=referrer)
    order = OrderFactory(partner=seller, product=ProductFactory(), income=Decimal("100000.00"))
    token = bank_issue_token(bank=order.product.bank)

    def put():
        return APIClient().put(f"/api/order/{order.pk}/{token}/", {"approval": True}).status_code

    def patch():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bank {token}")
        return client.patch(
            f"/api/bank/orders/{order.pk}/", {"status": "approved"}, format="json"
        ).status_code

    statuses = run_at_once([put, patch] * (BURST // 2))

    assert statuses == [200] * BURST
    kinds = sorted(Commission.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == ["referral_bonus_1", "sale"]


def test_a_reversal_racing_a_payout_request_loses_no_cent():
    partner = PartnerFactory(payout_details="account 40817810099910004312")
    order = OrderFactory(partner=partner, product=ProductFactory(), income=Decimal("100000.00"))
    token = bank_issue_token(bank=order.product.bank)
    APIClient().put(f"/api/order/{order.pk}/{token}/", {"approval": True})
    CommissionFactory(partner=partner, amount=Decimal("1000.00"))
    client = bearer_client(partner)

    def reverse():
        return (
            APIClient().put(f"/api/order/{order.pk}/{token}/", {"status": "reversed"}).status_code
        )

    def request():
        return client.post("/api/payouts/").status_code

    assert run_at_once([reverse, request]) == [200, 201]

    payout = Payout.objects.get()
    in_payout = payout.commissions.aggregate(total=Sum("amount"))["total"]
    assert payout.amount == in_payout
    assert payout.commissions_count == payout.commissions.count()
    assert not Commission.objects.filter(status="reversed", payout__isnull=False).exists()
