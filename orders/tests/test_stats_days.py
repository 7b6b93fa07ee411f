"""`/api/stats/` reads whole days from PartnerProductDay, which the database's triggers keep:
its answers equal counting the rows themselves, for any range, whatever wrote the rows."""

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from catalog.tests.factories import ProductFactory
from orders.models import Order, OrderStatus, PartnerProductDay, PartnerProductTotal, ReferralClick
from orders.tests.factories import DraftFactory, OrderFactory, ReferralClickFactory

pytestmark = pytest.mark.django_db

STATS = "/api/stats/"
START = datetime(2026, 3, 1, tzinfo=UTC)
COUNTED = ("clicks", "orders", "link_orders", "approved", "rejected", "reversed")


def counted_from_rows(partner, after=None, before=None) -> dict[int, dict]:
    """The funnel per product as the rows themselves say (the reference)."""
    per: dict[int, dict] = defaultdict(lambda: dict.fromkeys(COUNTED, 0) | {"reward": Decimal(0)})

    def inside(moment) -> bool:
        return (after is None or moment >= after) and (before is None or moment < before)

    for click in ReferralClick.objects.filter(partner=partner):
        if inside(click.created_at):
            per[click.product_id]["clicks"] += 1
    for order in Order.objects.filter(partner=partner).exclude(status=OrderStatus.DRAFT):
        if not inside(order.created_at):
            continue
        entry = per[order.product_id]
        entry["orders"] += 1
        entry["link_orders"] += order.channel == "link"
        for status in ("approved", "rejected", "reversed"):
            entry[status] += order.status == status
        if order.status == OrderStatus.APPROVED:
            entry["reward"] += order.reward
    return {
        product: entry
        for product, entry in per.items()
        if any(entry[name] for name in COUNTED) or entry["reward"]
    }


def counted_by_api(client, after=None, before=None) -> dict[int, dict]:
    query = {}
    if after is not None:
        query["created_after"] = after.isoformat()
    if before is not None:
        query["created_before"] = before.isoformat()
    response = client.get(STATS, query)
    assert response.status_code == 200, response.content
    return {
        item["product"]["id"]: {name: item[name] for name in COUNTED}
        | {"reward": Decimal(item["total_reward"])}
        for item in response.json()["by_product"]
    }


@pytest.fixture
def history(partner):
    """Six days of clicks and applications in every state, at odd hours, over three products."""
    chance = random.Random(20261126)
    products = [ProductFactory() for _ in range(3)]
    for _ in range(60):
        moment = START + timedelta(minutes=chance.randrange(6 * 24 * 60))
        product = chance.choice(products)
        ReferralClickFactory(partner=partner, product=product, created_at=moment)
        if chance.random() < 0.5:
            status = chance.choice(["new", "viewed", "approved", "rejected"])
            OrderFactory(
                partner=partner,
                product=product,
                status=status,
                channel=chance.choice(["link", "partner"]),
                created_at=moment,
            )
    DraftFactory(partner=partner, product=products[0], created_at=START + timedelta(hours=5))
    OrderFactory(product=products[0], created_at=START)  # another partner's
    return products


RANGES = [
    (None, None),
    (START + timedelta(days=1), START + timedelta(days=3)),  # whole days
    (START + timedelta(days=1, hours=7), START + timedelta(days=4, hours=13)),  # cut at both ends
    (START + timedelta(hours=2), START + timedelta(hours=20)),  # inside one day
    (START + timedelta(days=2, minutes=30), None),
    (None, START + timedelta(days=5, hours=1)),
    (START + timedelta(days=3), START + timedelta(days=3)),  # empty
]


@pytest.mark.parametrize(("after", "before"), RANGES)
def test_stats_equal_counting_the_rows_for_any_range(
    partner, partner_client, history, after, before
):
    assert counted_by_api(partner_client, after, before) == counted_from_rows(
        partner, after, before
    )


def test_decisions_reversals_and_deletions_keep_the_days_true(partner, partner_client, history):
    orders = list(Order.objects.filter(partner=partner).exclude(status="draft").order_by("id"))
    approved = next(order for order in orders if order.status == "new")
    approved.status, approved.reward = OrderStatus.APPROVED, Decimal("12.34")
    approved.decided_at = approved.created_at
    approved.save()
    reversed_ = next(order for order in orders if order.status == "approved")
    reversed_.status = OrderStatus.REVERSED
    reversed_.save()
    moved = orders[-1]
    moved.created_at -= timedelta(days=2)  # across a day boundary
    moved.save()
    Order.objects.filter(pk=orders[0].pk).delete()
    ReferralClick.objects.filter(
        pk=ReferralClick.objects.filter(partner=partner).first().pk
    ).delete()
    draft = Order.objects.get(partner=partner, status="draft")
    draft.status, draft.submitted_at = OrderStatus.NEW, draft.created_at
    draft.income, draft.email_client, draft.phone = Decimal(100), "d@example.com", "+79990001234"
    draft.percent_user = Decimal(1)
    draft.save()

    for after, before in RANGES:
        assert counted_by_api(partner_client, after, before) == counted_from_rows(
            partner, after, before
        )
    assert not PartnerProductDay.objects.filter(clicks__lt=0).exists()


def test_whole_days_are_read_from_the_table(
    partner, partner_client, history, django_assert_max_num_queries
):
    """Whole days: the partner's authentication and one query of the days, no row counted."""
    with django_assert_max_num_queries(2):
        response = partner_client.get(
            STATS, {"created_after": "2026-03-02T00:00:00Z", "created_before": "2026-03-04"}
        )
    assert response.status_code == 200


def test_the_totals_equal_counting_the_rows_after_any_write(partner, partner_client, history):
    """`PartnerProductTotal` (all-time stats, the profile's Earnings) follows decisions,
    reversals, deletions and submissions, as the days do."""
    orders = list(Order.objects.filter(partner=partner).exclude(status="draft").order_by("id"))
    approved = next(order for order in orders if order.status == "new")
    approved.status, approved.reward = OrderStatus.APPROVED, Decimal("12.34")
    approved.decided_at = approved.created_at
    approved.save()
    next(order for order in orders if order.status == "approved").delete()
    Order.objects.filter(pk=orders[-1].pk).update(income=Decimal("777.00"))
    ReferralClick.objects.filter(partner=partner).first().delete()

    assert counted_by_api(partner_client) == counted_from_rows(partner)
    rows = Order.objects.filter(partner=partner, status=OrderStatus.APPROVED)
    earnings = partner_client.get("/api/profile/").json()["Earnings"]
    assert earnings["approved_orders"] == rows.count()
    assert Decimal(earnings["total_income"]) == sum(order.income for order in rows)
    assert Decimal(earnings["total_reward"]) == sum(order.reward for order in rows)
    assert not PartnerProductTotal.objects.filter(clicks__lt=0).exists()
