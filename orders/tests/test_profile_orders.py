"""The profile's applications and earnings: "Success order" and "Earnings" in GET /api/profile/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.services import bank_issue_token
from catalog.tests.factories import ProductFactory
from orders.tests.factories import DraftFactory, OrderFactory
from orders.tests.helpers import moment
from tests.bulk import create_many
from tests.clients import bank_client, bearer_client

pytestmark = pytest.mark.django_db

PROFILE = "/api/profile/"
NO_EARNINGS = {
    "approved_orders": 0,
    "total_income": "0.00",
    "total_reward": "0.00",
    "referral_bonus": "0.00",
}
SUCCESS_ORDER_KEYS = [
    "id",
    "product_id",
    "income",
    "email_client",
    "phone",
    "view",
    "approval",
    "status",
    "reward",
    "created_at",
    "user_id",
]
# Measured: the user; its invite codes; its referrals; the earnings; the ledger's referral
# bonuses (payouts); the recent approved ones.
PROFILE_QUERIES = 6


def test_profile_shows_approved_applications_and_earnings_as_the_seed_does(partner, partner_client):
    product = ProductFactory(name="Cashback card", percent_user=Decimal("1.50"))
    now = timezone.now()
    older = OrderFactory(
        partner=partner,
        product=product,
        status="approved",
        income=Decimal("10.00"),
        created_at=now - timedelta(days=1),
        decided_at=now - timedelta(hours=1),
    )
    newer = OrderFactory(
        partner=partner,
        product=product,
        status="approved",
        income=Decimal("20.00"),
        email_client="c@example.com",
        phone="+79990000000",
        created_at=now - timedelta(minutes=5),
        decided_at=now,
    )

    response = partner_client.get(PROFILE)

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["User", "Success order", "Earnings"]
    first, second = body["Success order"]
    assert list(first) == SUCCESS_ORDER_KEYS
    assert first == {
        "id": newer.pk,
        "product_id": {"id": product.pk, "name": "Cashback card"},
        "income": "20.00",
        "email_client": "c@example.com",
        "phone": "+79990000000",
        "view": True,
        "approval": True,
        "status": "approved",
        "reward": "0.30",
        "created_at": first["created_at"],
        "user_id": partner.pk,
    }
    assert moment(first["created_at"]) == newer.created_at
    assert (second["id"], second["income"], second["reward"]) == (older.pk, "10.00", "0.15")
    assert body["Earnings"] == {
        "approved_orders": 2,
        "total_income": "30.00",
        "total_reward": "0.45",
        "referral_bonus": "0.00",
    }


def test_a_partner_without_approved_applications_has_zero_earnings(partner, partner_client):
    response = partner_client.get(PROFILE)

    assert response.status_code == 200
    assert response.json()["Success order"] == []
    assert response.json()["Earnings"] == NO_EARNINGS


def test_applications_not_approved_are_not_in_the_profile(partner, partner_client):
    for status in ("new", "viewed", "rejected"):
        OrderFactory(partner=partner, status=status)
    DraftFactory(partner=partner, income=Decimal("100.00"))
    approved = OrderFactory(
        partner=partner,
        product=ProductFactory(percent_user=Decimal("1.50")),
        status="approved",
        income=Decimal("200.00"),
    )

    body = partner_client.get(PROFILE).json()

    assert [item["id"] for item in body["Success order"]] == [approved.pk]
    assert body["Earnings"] == {
        "approved_orders": 1,
        "total_income": "200.00",
        "total_reward": "3.00",
        "referral_bonus": "0.00",
    }


def test_another_partners_applications_are_not_in_the_profile(partner, partner_client):
    OrderFactory.create_batch(2, status="approved")
    mine = OrderFactory(partner=partner, status="approved")

    body = partner_client.get(PROFILE).json()
    others = bearer_client(UserFactory()).get(PROFILE).json()

    assert [item["id"] for item in body["Success order"]] == [mine.pk]
    assert body["Earnings"]["approved_orders"] == 1
    assert others["Success order"] == []
    assert others["Earnings"] == NO_EARNINGS


def test_success_order_shows_the_50_most_recent_while_earnings_count_all(partner, partner_client):
    start = timezone.now() - timedelta(days=1)
    product = ProductFactory(percent_user=Decimal("1.50"))
    orders = [
        OrderFactory(
            partner=partner,
            product=product,
            status="approved",
            income=Decimal("100.00"),
            created_at=start + timedelta(minutes=index),
            decided_at=start + timedelta(minutes=index, seconds=30),
        )
        for index in range(52)
    ]

    body = partner_client.get(PROFILE).json()

    assert [item["id"] for item in body["Success order"]] == [
        order.pk for order in reversed(orders[2:])
    ]
    assert body["Earnings"] == {
        "approved_orders": 52,
        "total_income": "5200.00",
        "total_reward": "78.00",
        "referral_bonus": "0.00",
    }


def test_an_application_approved_by_the_bank_shows_its_reward_rounded_half_up(
    partner, partner_client
):
    product = ProductFactory(percent_user=Decimal("1.50"))
    order = OrderFactory(partner=partner, product=product, income=Decimal("3.00"))
    bank = bank_client(product.bank)
    decided = bank.patch(f"/api/bank/orders/{order.pk}/", {"approval": True}, format="json")
    assert decided.status_code == 200

    body = partner_client.get(PROFILE).json()

    [item] = body["Success order"]
    assert (item["id"], item["status"], item["reward"]) == (order.pk, "approved", "0.05")
    assert body["Earnings"] == {
        "approved_orders": 1,
        "total_income": "3.00",
        "total_reward": "0.05",
        "referral_bonus": "0.00",
    }


def test_profile_carries_no_bank_token(partner, partner_client):
    product = ProductFactory()
    OrderFactory(partner=partner, product=product, status="approved")
    token = bank_issue_token(bank=product.bank)

    response = partner_client.get(PROFILE)

    text = response.content.decode()
    assert response.json()["Success order"]
    assert token not in text
    assert "token" not in text.lower()
    assert product.bank.token_hash not in text


@pytest.mark.parametrize("count", [3, 100, 1000])
def test_profile_queries_do_not_grow_with_approved_applications(
    partner, partner_client, django_assert_max_num_queries, count
):
    create_many(
        OrderFactory,
        count,
        partner=partner,
        product=ProductFactory(),
        status="approved",
        income=Decimal("10.00"),
    )

    with django_assert_max_num_queries(PROFILE_QUERIES):
        response = partner_client.get(PROFILE)

    assert response.status_code == 200
    assert len(response.json()["Success order"]) == min(count, 50)
    assert response.json()["Earnings"]["approved_orders"] == count
