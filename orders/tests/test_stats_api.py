"""The partner's funnel: GET /api/stats/."""

from datetime import timedelta
from decimal import Decimal

import factory
import pytest
from rest_framework.test import APIClient

from catalog.tests.factories import BankFactory, CategoryFactory, ProductFactory
from orders.models import ReferralClick
from orders.tests.factories import DraftFactory, OrderFactory, ReferralClickFactory
from orders.tests.helpers import at
from tests.bulk import create_many

pytestmark = pytest.mark.django_db

STATS = "/api/stats/"
# Measured: the partner's user, the clicks per product, the applications per product.
STATS_QUERIES = 3
NOTHING = {
    "clicks": 0,
    "orders": 0,
    "link_orders": 0,
    "approved": 0,
    "rejected": 0,
    "reversed": 0,
    "conversion": None,
    "approval_rate": None,
    "total_reward": "0.00",
    "by_product": [],
}


def by_product(body: dict) -> dict[int, dict]:
    """The per-product entries by product id (the API does not promise an order)."""
    entries = {entry["product"]["id"]: entry for entry in body["by_product"]}
    assert len(entries) == len(body["by_product"])
    return entries


def test_a_partner_with_no_activity_has_an_empty_funnel(partner_client):
    response = partner_client.get(STATS)

    assert response.status_code == 200
    assert response.json() == NOTHING


def test_funnel_counts_clicks_applications_decisions_and_reward(partner, partner_client):
    card = ProductFactory(name="Cashback card", percent_user=Decimal("1.50"))
    loan = ProductFactory(name="Loan", percent_user=Decimal("2.00"))
    deposit = ProductFactory(name="Deposit")
    ReferralClickFactory.create_batch(6, partner=partner, product=card)
    ReferralClickFactory.create_batch(2, partner=partner, product=deposit)
    mine = {"partner": partner, "product": card}
    OrderFactory(**mine)
    OrderFactory(**mine, status="approved", income=Decimal("1000.00"))  # reward 15.00
    OrderFactory(**mine, status="rejected")
    OrderFactory(**mine, channel="partner", status="approved", income=Decimal("30.00"))  # 0.45
    OrderFactory(**mine, channel="partner", status="rejected")
    DraftFactory(**mine)
    DraftFactory(
        **mine, income=Decimal("10.00"), email_client="c@example.com", phone="+79991234567"
    )
    OrderFactory(partner=partner, product=loan, status="viewed")

    response = partner_client.get(STATS)

    assert response.status_code == 200
    body = response.json()
    assert {key: value for key, value in body.items() if key != "by_product"} == {
        "clicks": 8,
        "orders": 6,
        "link_orders": 4,
        "approved": 2,
        "rejected": 2,
        "reversed": 0,
        "conversion": 0.5,
        "approval_rate": 0.5,
        "total_reward": "15.45",
    }
    assert by_product(body) == {
        card.pk: {
            "product": {"id": card.pk, "name": "Cashback card"},
            "clicks": 6,
            "orders": 5,
            "link_orders": 3,
            "approved": 2,
            "rejected": 2,
            "reversed": 0,
            "conversion": 0.5,
            "approval_rate": 0.5,
            "total_reward": "15.45",
        },
        loan.pk: {
            "product": {"id": loan.pk, "name": "Loan"},
            "clicks": 0,
            "orders": 1,
            "link_orders": 1,
            "approved": 0,
            "rejected": 0,
            "reversed": 0,
            "conversion": None,
            "approval_rate": None,
            "total_reward": "0.00",
        },
        deposit.pk: {
            "product": {"id": deposit.pk, "name": "Deposit"},
            "clicks": 2,
            "orders": 0,
            "link_orders": 0,
            "approved": 0,
            "rejected": 0,
            "reversed": 0,
            "conversion": 0.0,
            "approval_rate": None,
            "total_reward": "0.00",
        },
    }


def test_drafts_do_not_count(partner, partner_client):
    product = ProductFactory()
    DraftFactory(partner=partner, product=product)
    DraftFactory(
        partner=partner,
        product=product,
        income=Decimal("10.00"),
        email_client="c@example.com",
        phone="+79991234567",
    )

    response = partner_client.get(STATS)

    assert response.status_code == 200
    assert response.json() == NOTHING


def test_a_confirmed_draft_counts_as_an_application_but_not_a_link_one(partner, partner_client):
    product = ProductFactory()
    ReferralClickFactory(partner=partner, product=product)
    draft = partner_client.post("/api/orders/", {"product": product.pk}, format="json").json()
    confirmed = partner_client.post(
        f"/api/orders/{draft['id']}/confirm/",
        {"income": "100", "email_client": "c@example.com", "phone": "+79991234567"},
        format="json",
    )
    assert confirmed.status_code == 200

    body = partner_client.get(STATS).json()

    assert (body["clicks"], body["orders"], body["link_orders"]) == (1, 1, 0)
    assert body["conversion"] == 0.0
    [entry] = body["by_product"]
    assert (entry["product"]["id"], entry["orders"], entry["link_orders"]) == (product.pk, 1, 0)


def test_conversion_relates_link_applications_to_clicks(partner, partner_client):
    product = ProductFactory()
    ReferralClickFactory.create_batch(4, partner=partner, product=product)
    OrderFactory.create_batch(3, partner=partner, product=product)
    OrderFactory.create_batch(2, partner=partner, product=product, channel="partner")

    body = partner_client.get(STATS).json()

    assert (body["clicks"], body["orders"], body["link_orders"]) == (4, 5, 3)
    assert body["conversion"] == 0.75
    assert body["approval_rate"] is None


def test_approval_rate_is_approved_among_decided(partner, partner_client):
    product = ProductFactory()
    OrderFactory(partner=partner, product=product, status="approved")
    OrderFactory.create_batch(3, partner=partner, product=product, status="rejected")
    OrderFactory.create_batch(2, partner=partner, product=product, status="viewed")
    OrderFactory(partner=partner, product=product)

    body = partner_client.get(STATS).json()

    assert (body["approved"], body["rejected"], body["orders"]) == (1, 3, 7)
    assert body["approval_rate"] == 0.25
    assert body["conversion"] is None


def test_landing_visits_and_link_applications_count_in_the_funnel(partner, partner_client):
    product = ProductFactory(percent_user=Decimal("1.50"))
    link = f"/api/order/ref/{partner.username}/{product.pk}/"
    client = APIClient()
    for _ in range(4):
        assert client.get(link).status_code == 200
    applied = client.post(
        link,
        {"income": "100.00", "email_client": "client@example.com", "phone": "+79991234567"},
        format="json",
    )
    assert applied.status_code == 201

    body = partner_client.get(STATS).json()

    assert ReferralClick.objects.filter(partner=partner, product=product).count() == 4
    assert (body["clicks"], body["orders"], body["link_orders"]) == (4, 1, 1)
    assert body["conversion"] == 0.25
    [entry] = body["by_product"]
    assert entry["product"] == {"id": product.pk, "name": product.name}
    assert (entry["clicks"], entry["link_orders"], entry["conversion"]) == (4, 1, 0.25)


def test_total_reward_is_money_with_two_decimals(partner, partner_client):
    product = ProductFactory(percent_user=Decimal("10.00"))
    OrderFactory(partner=partner, product=product, status="approved", income=Decimal("5.00"))
    OrderFactory(partner=partner, product=product, status="approved", income=Decimal("2.00"))

    body = partner_client.get(STATS).json()

    assert body["total_reward"] == "0.70"
    assert body["by_product"][0]["total_reward"] == "0.70"


def test_only_the_partners_own_clicks_and_applications_count(partner, partner_client):
    product = ProductFactory(percent_user=Decimal("1.50"))
    ReferralClickFactory(partner=partner, product=product)
    OrderFactory(partner=partner, product=product, status="approved")
    ReferralClickFactory.create_batch(3, product=product)
    OrderFactory.create_batch(2, product=product, status="approved")
    OrderFactory(product=product, status="rejected")
    ReferralClickFactory()
    OrderFactory()

    body = partner_client.get(STATS).json()

    assert (body["clicks"], body["orders"], body["approved"], body["rejected"]) == (1, 1, 1, 0)
    assert body["total_reward"] == "15.00"
    assert [entry["product"]["id"] for entry in body["by_product"]] == [product.pk]


def test_created_range_is_half_open_for_clicks_and_applications(partner, partner_client):
    product = ProductFactory()
    tick = timedelta(microseconds=1)
    moments = [at(1) - tick, at(1), at(2) - tick, at(2)]
    for moment in moments:
        ReferralClickFactory(partner=partner, product=product, created_at=moment)
        OrderFactory(partner=partner, product=product, created_at=moment)
    OrderFactory(partner=partner, product=product, status="approved", created_at=at(1))

    within = partner_client.get(
        STATS, {"created_after": "2026-03-01T00:00:00Z", "created_before": "2026-03-02T00:00:00Z"}
    )
    after = partner_client.get(STATS, {"created_after": "2026-03-01T03:00:00+03:00"})
    before = partner_client.get(STATS, {"created_before": "2026-03-01T00:00:00+00:00"})

    assert (within.status_code, after.status_code, before.status_code) == (200, 200, 200)
    body = within.json()
    assert (body["clicks"], body["orders"], body["approved"]) == (2, 3, 1)
    assert body["total_reward"] == "15.00"
    assert (by_product(body)[product.pk]["clicks"], by_product(body)[product.pk]["orders"]) == (
        2,
        3,
    )
    assert (after.json()["clicks"], after.json()["orders"]) == (3, 4)
    assert (before.json()["clicks"], before.json()["orders"]) == (1, 1)


def test_a_range_with_nothing_in_it_is_an_empty_funnel(partner, partner_client):
    ReferralClickFactory(partner=partner, created_at=at(5))
    OrderFactory(partner=partner, status="approved", created_at=at(5))

    response = partner_client.get(STATS, {"created_after": "2026-03-06T00:00:00Z"})

    assert response.status_code == 200
    assert response.json() == NOTHING


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_before": "2026-02-30T00:00:00Z"}, "created_before"),
        ({"created_after": "2026-03-01T24:61:00Z"}, "created_after"),
    ],
)
def test_an_invalid_date_is_400_naming_it(partner, partner_client, query, field):
    OrderFactory(partner=partner)

    response = partner_client.get(STATS, query)

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert isinstance(body[field], list)
    assert body[field]


def test_stats_need_a_token(api_client):
    response = api_client.get(STATS)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("count", [3, 100, 1000])
def test_stats_queries_do_not_grow_with_the_applications(
    partner, partner_client, django_assert_max_num_queries, count
):
    bank, category = BankFactory(), CategoryFactory()
    products = create_many(ProductFactory, count, bank=bank, category=category)
    iterate = factory.Iterator(products)
    create_many(OrderFactory, count, partner=partner, product=iterate, status="approved")
    create_many(ReferralClickFactory, count, partner=partner, product=factory.Iterator(products))

    with django_assert_max_num_queries(STATS_QUERIES):
        response = partner_client.get(STATS)

    assert response.status_code == 200
    assert (response.json()["orders"], response.json()["clicks"]) == (count, count)
    assert len(response.json()["by_product"]) == count
