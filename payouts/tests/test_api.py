"""The partner's money through the API: balance, commissions, payouts."""

from datetime import timedelta
from decimal import Decimal

import factory
import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from orders.tests.factories import OrderFactory
from payouts.models import Commission, Payout
from payouts.tests.factories import CommissionFactory, PayoutFactory
from payouts.tests.helpers import (
    BALANCE,
    COMMISSIONS,
    PAYOUTS,
    cancel_url,
    payout_url,
    snapshot,
    total,
)
from referrals.tests.factories import PartnerFactory
from tests.bulk import create_many
from tests.clients import bearer_client

pytestmark = pytest.mark.django_db
DETAILS = "IBAN DE89 3704 0044 0532 0130 00"
# Measured on PostgreSQL: the partner (authentication) and one aggregate.
BALANCE_QUERIES = 2
# The partner, the count and the page (joined to applications and products).
COMMISSION_LIST_QUERIES = 3
# The partner, the count and the page.
PAYOUT_LIST_QUERIES = 3
# The partner, the payout and its commissions (joined to applications and products).
PAYOUT_DETAIL_QUERIES = 3


@pytest.fixture(autouse=True)
def _minimum(settings):
    settings.PAYOUT_MIN_AMOUNT = Decimal("1000.00")


@pytest.fixture
def seller():
    return PartnerFactory(payout_details=DETAILS)


@pytest.fixture
def client(seller):
    return bearer_client(seller)


def available(partner, amount="600.00", **kwargs):
    return CommissionFactory(partner=partner, amount=Decimal(amount), **kwargs)


def pending(partner, amount="600.00", **kwargs):
    return CommissionFactory(
        partner=partner,
        amount=Decimal(amount),
        available_at=timezone.now() + timedelta(days=3),
        **kwargs,
    )


# --- Balance --------------------------------------------------------------------------------


def test_a_new_partner_has_a_zero_balance(client):
    response = client.get(BALANCE)

    assert response.status_code == 200
    assert response.json() == {
        "pending": "0.00",
        "available": "0.00",
        "requested": "0.00",
        "paid": "0.00",
        "currency": "RUB",
    }


def test_the_balance_sums_the_ledger_by_where_the_money_stands(client, seller):
    pending(seller, "10.10")
    available(seller, "600.00")
    available(seller, "500.05")
    client.post(PAYOUTS)  # takes 1,100.05
    available(seller, "7.00")  # after the request: available
    PartnerFactory()  # another partner's money is not ours
    available(PartnerFactory(), "999.00")

    assert client.get(BALANCE).json() == {
        "pending": "10.10",
        "available": "7.00",
        "requested": "1100.05",
        "paid": "0.00",
        "currency": "RUB",
    }


def commissions_in_bulk(seller, count: int, **fields) -> list:
    """`count` of the seller's commissions, each on an approved application of its own."""
    orders = create_many(
        OrderFactory, count, partner=seller, product=ProductFactory(), status="approved"
    )
    return create_many(
        CommissionFactory, count, partner=seller, order=factory.Iterator(orders), **fields
    )


@pytest.mark.parametrize("count", [3, 60, 600])
def test_balance_is_one_aggregate_whatever_the_rows(
    client, seller, django_assert_max_num_queries, count
):
    commissions_in_bulk(seller, count, amount=Decimal("1.00"))
    later = timezone.now() + timedelta(days=3)
    commissions_in_bulk(seller, count, amount=Decimal("1.00"), available_at=later)

    with django_assert_max_num_queries(BALANCE_QUERIES):
        response = client.get(BALANCE)

    assert response.json()["available"] == f"{count}.00"


def test_balance_requires_a_partner(api_client):
    assert api_client.get(BALANCE).status_code == 401


# --- Commissions ----------------------------------------------------------------------------


def test_the_commission_list_shows_the_partners_own_newest_first(client, seller):
    older = available(seller, "1.00", created_at=timezone.now() - timedelta(days=2))
    newer = pending(seller, "2.50")
    available(PartnerFactory())

    body = client.get(COMMISSIONS).json()

    assert body["count"] == 2
    assert [item["id"] for item in body["results"]] == [newer.pk, older.pk]
    item = body["results"][0]
    assert item == {
        "id": newer.pk,
        "order": {
            "id": newer.order_id,
            "product": {"id": newer.order.product_id, "name": newer.order.product.name},
        },
        "partner": seller.pk,
        "kind": "sale",
        "amount": "2.50",
        "status": "pending",
        "available_at": item["available_at"],
        "created_at": item["created_at"],
        "payout": None,
    }


def test_commissions_filter_by_status_kind_and_dates(client, seller):
    held = pending(seller)
    free = available(seller)
    bonus = available(seller, kind="referral_bonus_1")
    gone = available(seller, status="reversed")
    old = available(seller, created_at=timezone.now() - timedelta(days=30))

    def ids(query: str) -> set[int]:
        response = client.get(f"{COMMISSIONS}?{query}")
        assert response.status_code == 200, response.json()
        return {item["id"] for item in response.json()["results"]}

    assert ids("status=pending") == {held.pk}
    assert ids("status=available") == {free.pk, bonus.pk, old.pk}
    assert ids("status=reversed") == {gone.pk}
    assert ids("kind=referral_bonus_1") == {bonus.pk}
    since = (timezone.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert ids(f"created_before={since}") == {old.pk}


@pytest.mark.parametrize("query", ["status=nope", "kind=gift", "created_after=yesterday"])
def test_bad_commission_filters_are_400(client, query):
    assert client.get(f"{COMMISSIONS}?{query}").status_code == 400


@pytest.mark.parametrize("count", [3, 120, 1200])
def test_the_commission_list_runs_a_constant_number_of_queries(
    client, seller, django_assert_max_num_queries, count
):
    commissions_in_bulk(seller, count, amount=Decimal("600.00"))

    with django_assert_max_num_queries(COMMISSION_LIST_QUERIES):
        response = client.get(f"{COMMISSIONS}?page_size=200")

    assert len(response.json()["results"]) == min(count, 200)


# --- Payouts --------------------------------------------------------------------------------


def test_a_payout_takes_every_available_commission(client, seller):
    first, second = available(seller, "600.00"), available(seller, "400.50")
    held = pending(seller)

    response = client.post(PAYOUTS)

    assert response.status_code == 201
    body = response.json()
    payout = Payout.objects.get()
    assert body["id"] == payout.pk
    assert (body["amount"], body["status"], body["commissions_count"]) == (
        "1000.50",
        "requested",
        2,
    )
    assert body["currency"] == "RUB"
    assert body["payout_details"] == "****3000"
    assert "created_at" in body
    assert set(payout.commissions.values_list("pk", flat=True)) == {first.pk, second.pk}
    held.refresh_from_db()
    assert held.payout_id is None
    assert total(payout.commissions.all()) == payout.amount
    assert payout.payout_details == DETAILS


def test_a_clawback_is_netted_by_the_next_payout(client, seller):
    available(seller, "1500.00")
    paid = CommissionFactory(partner=seller, status="paid", payout=PayoutFactory(partner=seller))
    CommissionFactory(
        partner=seller, order=paid.order, kind="clawback", amount=Decimal("-100.00"), reverses=paid
    )

    response = client.post(PAYOUTS)

    assert response.status_code == 201
    assert (response.json()["amount"], response.json()["commissions_count"]) == ("1400.00", 2)


def test_below_the_minimum_is_400_and_changes_nothing(client, seller, settings):
    settings.PAYOUT_MIN_AMOUNT = Decimal("1000.00")
    available(seller, "999.99")
    pending(seller, "5000.00")
    before = snapshot()

    response = client.post(PAYOUTS)

    assert response.status_code == 400
    assert "1000.00" in response.json()["detail"]
    assert snapshot() == before


def test_a_clawback_can_take_the_sum_below_the_minimum(client, seller):
    available(seller, "1000.00")
    paid = CommissionFactory(partner=seller, status="paid", payout=PayoutFactory(partner=seller))
    CommissionFactory(
        partner=seller, order=paid.order, kind="clawback", amount=Decimal("-0.01"), reverses=paid
    )
    before = snapshot()

    assert client.post(PAYOUTS).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("details", ["", "   "])
def test_without_payout_details_is_400_and_changes_nothing(details):
    seller = PartnerFactory(payout_details=details)
    available(seller, "5000.00")
    before = snapshot()

    response = bearer_client(seller).post(PAYOUTS)

    assert response.status_code == 400
    assert "payout_details" in response.json()
    assert snapshot() == before


def test_a_second_request_while_one_is_requested_is_409(client, seller):
    available(seller, "1000.00")
    client.post(PAYOUTS)
    available(seller, "1000.00")
    before = snapshot()

    response = client.post(PAYOUTS)

    assert response.status_code == 409
    assert snapshot() == before


def test_a_body_is_ignored(client, seller):
    available(seller, "1000.00")

    response = client.post(PAYOUTS, {"amount": "1.00", "partner": 1}, format="json")

    assert (response.status_code, response.json()["amount"]) == (201, "1000.00")


def test_the_payout_list_is_the_partners_own_with_details_masked(client, seller):
    mine = PayoutFactory(partner=seller)
    PayoutFactory()

    body = client.get(PAYOUTS).json()

    assert [item["id"] for item in body["results"]] == [mine.pk]
    assert body["results"][0]["payout_details"] == "****3000"
    assert DETAILS not in str(body)


def test_one_payout_shows_its_commissions(client, seller):
    available(seller, "600.00")
    available(seller, "600.00")
    payout_id = client.post(PAYOUTS).json()["id"]

    response = client.get(payout_url(payout_id))

    assert response.status_code == 200
    body = response.json()
    assert body["payout_details"] == DETAILS
    assert len(body["commissions"]) == 2
    assert {item["payout"] for item in body["commissions"]} == {payout_id}
    assert {item["status"] for item in body["commissions"]} == {"available"}


def test_another_partners_payout_is_404(client):
    theirs = PayoutFactory(status="requested")
    before = snapshot()

    assert client.get(payout_url(theirs.pk)).status_code == 404
    assert client.post(cancel_url(theirs.pk)).status_code == 404
    assert client.post(cancel_url(999999)).status_code == 404
    assert snapshot() == before


def test_cancel_gives_the_commissions_back(client, seller):
    available(seller, "1000.00")
    payout_id = client.post(PAYOUTS).json()["id"]

    response = client.post(cancel_url(payout_id))

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert not Commission.objects.filter(payout__isnull=False).exists()
    balance = client.get(BALANCE).json()
    assert (balance["available"], balance["requested"]) == ("1000.00", "0.00")
    assert client.post(PAYOUTS).status_code == 201  # and may ask again


@pytest.mark.parametrize("status", ["cancelled", "rejected", "paid"])
def test_cancel_of_a_settled_payout_is_409(client, seller, status):
    payout = PayoutFactory(partner=seller, status=status)
    before = snapshot()

    response = client.post(cancel_url(payout.pk))

    assert response.status_code == 409
    assert snapshot() == before


@pytest.mark.parametrize("count", [3, 60, 600])
def test_payout_lists_run_a_constant_number_of_queries(
    client, seller, django_assert_max_num_queries, count
):
    create_many(PayoutFactory, count, partner=seller)
    available(seller, "2000.00")
    payout_id = client.post(PAYOUTS).json()["id"]
    commissions_in_bulk(seller, count, payout_id=payout_id, status="available")

    with django_assert_max_num_queries(PAYOUT_LIST_QUERIES):
        listed = client.get(f"{PAYOUTS}?page_size=200")
    with django_assert_max_num_queries(PAYOUT_DETAIL_QUERIES):
        detail = client.get(payout_url(payout_id))

    assert len(listed.json()["results"]) == min(count + 1, 200)
    assert len(detail.json()["commissions"]) == count + 1


def test_payout_details_are_set_in_the_profile(client, seller):
    response = client.patch(
        "/api/profile/update/", {"payout_details": "account 40817810099910004312"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["User"][0]["payout_details"] == "account 40817810099910004312"
    seller.refresh_from_db()
    assert seller.payout_details == "account 40817810099910004312"
    profile = client.get("/api/profile/").json()
    assert profile["User"][0]["payout_details"] == "account 40817810099910004312"


def test_payout_details_longer_than_500_characters_are_400(client, seller):
    response = client.patch("/api/profile/update/", {"payout_details": "x" * 501}, format="json")

    assert response.status_code == 400
    assert "payout_details" in response.json()
    seller.refresh_from_db()
    assert seller.payout_details == DETAILS
