"""A bank's (or an admin's) decision moves money: an approval writes the commissions, a
reversal takes them back, each in the decision's transaction."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.services import bank_issue_token
from catalog.tests.factories import BankFactory, ProductFactory
from orders.models import Order, OrderStatusChange
from orders.tests.factories import OrderFactory
from payouts.models import Commission, Payout
from payouts.services import payout_mark_paid, payout_request
from payouts.tests.helpers import BALANCE, COMMISSIONS, snapshot, total
from referrals.tests.factories import PartnerFactory, ReferralFactory
from tests.clients import bank_client, bearer_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ledger_settings(settings):
    settings.COMMISSION_HOLD_DAYS = 14
    settings.COMMISSION_REVERSAL_DAYS = 90
    settings.REFERRAL_BONUS_L1_PERCENT = Decimal("10")
    settings.REFERRAL_BONUS_L2_PERCENT = Decimal("5")
    settings.PAYOUT_MIN_AMOUNT = Decimal("1000.00")


@pytest.fixture
def bank():
    return BankFactory()


@pytest.fixture
def bank_api(bank):
    return bank_client(bank)


@pytest.fixture
def chain():
    """top <- middle <- seller <- (nobody): and above `top` one more, who never earns."""
    above = PartnerFactory(username="above")
    top = PartnerFactory(username="top")
    middle = PartnerFactory(username="middle")
    seller = PartnerFactory(username="seller")
    ReferralFactory(referred=top, referrer=above)
    ReferralFactory(referred=middle, referrer=top)
    ReferralFactory(referred=seller, referrer=middle)
    return {"above": above, "top": top, "middle": middle, "seller": seller}


def application(bank, partner, *, income="100000.00", percent="1.50", **kwargs):
    product = ProductFactory(bank=bank, percent_user=Decimal(percent))
    return OrderFactory(partner=partner, product=product, income=Decimal(income), **kwargs)


def patch(bank_api, order, body):
    return bank_api.patch(f"/api/bank/orders/{order.pk}/", body, format="json")


def ledger(order) -> dict[str, tuple]:
    return {
        c.kind: (c.partner.username, str(c.amount), c.status)
        for c in Commission.objects.filter(order=order).select_related("partner")
    }


# --- Approval -------------------------------------------------------------------------------


def test_approval_creates_the_sale_and_two_levels_of_bonus(bank, bank_api, chain):
    order = application(bank, chain["seller"])  # 100,000.00 x 1.5 % = 1,500.00

    response = patch(bank_api, order, {"approval": True})

    assert response.status_code == 200
    assert ledger(order) == {
        "sale": ("seller", "1500.00", "pending"),
        "referral_bonus_1": ("middle", "150.00", "pending"),
        "referral_bonus_2": ("top", "75.00", "pending"),
    }
    assert not Commission.objects.filter(partner=chain["above"]).exists()


def test_bonuses_are_paid_by_the_platform_not_taken_from_the_reward(bank, bank_api, chain):
    order = application(bank, chain["seller"])

    patch(bank_api, order, {"approval": True})

    order.refresh_from_db()
    sale = Commission.objects.get(order=order, kind="sale")
    assert sale.amount == order.reward == Decimal("1500.00")


def test_the_callback_put_creates_the_same_commissions(bank, chain):
    order = application(bank, chain["seller"])
    token = bank_issue_token(bank=bank)

    response = APIClient().put(f"/api/order/{order.pk}/{token}/", {"approval": True})

    assert response.status_code == 200
    assert set(ledger(order)) == {"sale", "referral_bonus_1", "referral_bonus_2"}


def test_repeating_the_approval_creates_nothing_more(bank, bank_api, chain):
    order = application(bank, chain["seller"])
    patch(bank_api, order, {"approval": True})
    before = snapshot()

    response = patch(bank_api, order, {"status": "approved"})

    assert response.status_code == 200
    assert snapshot() == before


def test_a_partner_without_referrer_gets_only_its_sale(bank, bank_api):
    order = application(bank, PartnerFactory())

    patch(bank_api, order, {"approval": True})

    assert set(ledger(order)) == {"sale"}


def test_inactive_partners_get_nothing(bank, bank_api, chain):
    chain["middle"].is_active = False
    chain["middle"].save()
    order = application(bank, chain["seller"])

    patch(bank_api, order, {"approval": True})

    assert set(ledger(order)) == {"sale", "referral_bonus_2"}


def test_amounts_round_half_up_and_zero_is_not_recorded(bank, bank_api, chain):
    # 3.00 x 1.5 % = 0.045 -> 0.05; bonus 1: 0.005 -> 0.01; bonus 2: 0.0025 -> 0.00, not kept
    order = application(bank, chain["seller"], income="3.00")

    patch(bank_api, order, {"approval": True})

    assert ledger(order) == {
        "sale": ("seller", "0.05", "pending"),
        "referral_bonus_1": ("middle", "0.01", "pending"),
    }


def test_commissions_are_held_for_the_hold_days(bank, bank_api, chain, settings):
    settings.COMMISSION_HOLD_DAYS = 14
    order = application(bank, chain["seller"])

    patch(bank_api, order, {"approval": True})

    order.refresh_from_db()
    for commission in Commission.objects.filter(order=order):
        assert commission.available_at == order.decided_at + timedelta(days=14)
    balance = bearer_client(chain["seller"]).get(BALANCE).json()
    assert (balance["pending"], balance["available"]) == ("1500.00", "0.00")


def test_no_hold_makes_commissions_available_at_once(bank, bank_api, chain, settings):
    settings.COMMISSION_HOLD_DAYS = 0
    order = application(bank, chain["seller"])

    patch(bank_api, order, {"approval": True})

    balance = bearer_client(chain["seller"]).get(BALANCE).json()
    assert (balance["pending"], balance["available"]) == ("0.00", "1500.00")
    listed = bearer_client(chain["seller"]).get(COMMISSIONS).json()["results"]
    assert [item["status"] for item in listed] == ["available"]


def test_a_rejection_creates_no_commission(bank, bank_api, chain):
    order = application(bank, chain["seller"])

    patch(bank_api, order, {"status": "rejected"})

    assert not Commission.objects.exists()


def test_the_admin_approval_creates_the_commissions(admin_client, bank, chain):
    order = application(bank, chain["seller"])

    admin_client.post("/admin/orders/order/", {"action": "approve", "_selected_action": [order.pk]})

    assert set(ledger(order)) == {"sale", "referral_bonus_1", "referral_bonus_2"}


# --- Reversal -------------------------------------------------------------------------------


def test_reversal_reverses_unpaid_commissions_and_records_it(bank, bank_api, chain):
    order = application(bank, chain["seller"])
    patch(bank_api, order, {"approval": True})

    response = patch(bank_api, order, {"status": "reversed", "reason": "card returned"})

    assert response.status_code == 200
    assert response.json() == {
        "id": order.pk,
        "view": True,
        "approval": False,
        "status": "reversed",
    }
    assert {status for _, _, status in ledger(order).values()} == {"reversed"}
    step = OrderStatusChange.objects.filter(order=order).last()
    assert (step.from_status, step.to_status, step.source, step.reason) == (
        "approved",
        "reversed",
        "bank",
        "card returned",
    )
    order.refresh_from_db()
    assert order.reward == Decimal("1500.00")  # kept as the record of what was taken back


def test_reversal_claws_back_what_was_paid(bank, bank_api, chain, settings, admin_user):
    settings.COMMISSION_HOLD_DAYS = 0
    seller = chain["seller"]
    seller.payout_details = "IBAN DE89 3704 0044 0532 0130 00"
    seller.save()
    order = application(bank, seller)
    patch(bank_api, order, {"approval": True})
    payout_mark_paid(payout_id=payout_request(partner=seller).pk, admin=admin_user)

    patch(bank_api, order, {"status": "reversed"})

    clawback = Commission.objects.get(order=order, kind="clawback")
    assert (clawback.partner, clawback.amount, clawback.status) == (
        seller,
        Decimal("-1500.00"),
        "pending",
    )
    assert clawback.available_at <= timezone.now()
    assert clawback.reverses.kind == "sale"
    balance = bearer_client(seller).get(BALANCE).json()
    assert balance == {
        "pending": "0.00",
        "available": "-1500.00",
        "requested": "0.00",
        "paid": "1500.00",
        "currency": "RUB",
    }
    # the referrers' bonuses were not paid yet: reversed, no clawback
    assert Commission.objects.filter(kind="clawback").count() == 1
    assert total(Commission.objects.filter(order=order).exclude(status="reversed")) == 0


def test_reversal_takes_commissions_out_of_a_requested_payout(bank, bank_api, chain, settings):
    settings.COMMISSION_HOLD_DAYS = 0
    seller = chain["seller"]
    seller.payout_details = "account 40817810099910004312"
    seller.save()
    first, second = application(bank, seller), application(bank, seller)
    patch(bank_api, first, {"approval": True})
    patch(bank_api, second, {"approval": True})
    payout = payout_request(partner=seller)
    assert payout.amount == Decimal("3000.00")

    patch(bank_api, first, {"status": "reversed"})

    payout.refresh_from_db()
    assert (payout.amount, payout.commissions_count) == (Decimal("1500.00"), 1)
    assert total(payout.commissions.all()) == payout.amount


def test_reversing_again_changes_nothing(bank, bank_api, chain):
    order = application(bank, chain["seller"])
    patch(bank_api, order, {"approval": True})
    patch(bank_api, order, {"status": "reversed"})
    before = snapshot()

    response = patch(bank_api, order, {"status": "reversed"})

    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize("status", ["new", "viewed", "rejected"])
def test_reversing_what_is_not_approved_is_a_conflict(bank, bank_api, chain, status):
    order = application(bank, chain["seller"], status=status)
    before = snapshot()

    response = patch(bank_api, order, {"status": "reversed"})

    assert response.status_code == 409
    assert snapshot() == before


def test_reversal_after_the_window_is_a_conflict(bank, bank_api, chain, settings):
    settings.COMMISSION_REVERSAL_DAYS = 90
    order = application(bank, chain["seller"])
    patch(bank_api, order, {"approval": True})
    Order.objects.filter(pk=order.pk).update(decided_at=timezone.now() - timedelta(days=91))
    before = snapshot()

    response = patch(bank_api, order, {"status": "reversed"})

    assert response.status_code == 409
    assert snapshot() == before


def test_reversal_on_the_last_day_of_the_window_is_accepted(bank, bank_api, chain, settings):
    settings.COMMISSION_REVERSAL_DAYS = 90
    order = application(bank, chain["seller"])
    patch(bank_api, order, {"approval": True})
    Order.objects.filter(pk=order.pk).update(
        decided_at=timezone.now() - timedelta(days=90) + timedelta(minutes=5)
    )

    assert patch(bank_api, order, {"status": "reversed"}).status_code == 200


@pytest.mark.parametrize(
    "body", [{"approval": True}, {"status": "approved"}, {"status": "rejected"}]
)
def test_a_reversed_application_stays_reversed(bank, bank_api, chain, body):
    order = application(bank, chain["seller"])
    patch(bank_api, order, {"approval": True})
    patch(bank_api, order, {"status": "reversed"})
    before = snapshot()

    response = patch(bank_api, order, body)

    assert response.status_code == 409
    assert snapshot() == before


def test_approval_and_reversal_at_once_is_a_bad_request(bank, bank_api, chain):
    order = application(bank, chain["seller"])
    before = snapshot()

    response = patch(bank_api, order, {"approval": True, "status": "reversed"})

    assert response.status_code == 400
    assert snapshot() == before


def test_another_banks_token_cannot_reverse(bank, bank_api, chain):
    order = application(bank, chain["seller"])
    patch(bank_api, order, {"approval": True})
    before = snapshot()

    response = patch(bank_client(BankFactory()), order, {"status": "reversed"})

    assert response.status_code == 404
    assert snapshot() == before


def test_the_lists_and_stats_count_reversed_applications(bank, bank_api, chain):
    seller = chain["seller"]
    kept, reversed_ = application(bank, seller), application(bank, seller)
    patch(bank_api, kept, {"approval": True})
    patch(bank_api, reversed_, {"approval": True})
    patch(bank_api, reversed_, {"status": "reversed"})
    partner_api = bearer_client(seller)

    bank_list = bank_api.get("/api/bank/orders/?status=reversed").json()["results"]
    mine = partner_api.get("/api/orders/?status=reversed").json()["results"]
    stats = partner_api.get("/api/stats/").json()

    assert [item["id"] for item in bank_list] == [reversed_.pk]
    assert bank_list[0]["approval"] is False
    assert [item["id"] for item in mine] == [reversed_.pk]
    assert (stats["approved"], stats["reversed"], stats["total_reward"]) == (1, 1, "1500.00")


def test_profile_earnings_and_stats_agree_with_the_ledger(bank, bank_api, chain, settings):
    """`total_reward` (profile and stats) is the ledger's sales net of reversals and
    clawbacks; `referral_bonus` its bonuses."""
    settings.COMMISSION_HOLD_DAYS = 0
    seller, middle = chain["seller"], chain["middle"]
    seller.payout_details = "account 40817810099910004312"
    seller.save()
    orders = [application(bank, seller) for _ in range(3)]
    for order in orders:
        patch(bank_api, order, {"approval": True})
    payout_mark_paid(payout_id=payout_request(partner=seller).pk, admin=PartnerFactory())
    patch(bank_api, orders[0], {"status": "reversed"})  # paid: clawed back
    own = application(bank, middle)
    patch(bank_api, own, {"approval": True})
    patch(bank_api, own, {"status": "reversed"})  # unpaid: reversed

    for partner in (seller, middle):
        client = bearer_client(partner)
        earnings = client.get("/api/profile/").json()["Earnings"]
        stats = client.get("/api/stats/").json()
        live = Commission.objects.filter(partner=partner).exclude(status="reversed")
        sales = total(live.filter(kind="sale")) + total(live.filter(reverses__kind="sale"))
        bonuses = total(live.filter(kind__startswith="referral_bonus")) + total(
            live.filter(reverses__kind__startswith="referral_bonus")
        )
        assert earnings["total_reward"] == stats["total_reward"] == f"{sales:.2f}"
        assert earnings["referral_bonus"] == f"{bonuses:.2f}"
    assert bearer_client(seller).get("/api/profile/").json()["Earnings"]["total_reward"] == (
        "3000.00"
    )
    assert bearer_client(middle).get("/api/profile/").json()["Earnings"]["referral_bonus"] == (
        "300.00"
    )
    assert Payout.objects.count() == 1


@pytest.mark.parametrize("body", [{"view": True}, {"status": "viewed"}, {"view": False}])
def test_viewing_a_reversed_application_changes_nothing(bank, bank_api, chain, body):
    order = application(bank, chain["seller"])
    patch(bank_api, order, {"approval": True})
    patch(bank_api, order, {"status": "reversed"})
    before = snapshot()

    response = patch(bank_api, order, body)

    assert (response.status_code, response.json()["status"]) == (200, "reversed")
    assert snapshot() == before


def test_the_callback_put_reverses_too(bank, chain):
    order = application(bank, chain["seller"])
    token = bank_issue_token(bank=bank)
    client = APIClient()
    client.put(f"/api/order/{order.pk}/{token}/", {"approval": True}, format="json")

    response = client.put(
        f"/api/order/{order.pk}/{token}/", {"status": "reversed", "reason": "fraud"}, format="json"
    )

    assert response.json() == {
        "id": order.pk,
        "view": True,
        "approval": False,
        "status": "reversed",
    }
    assert set(Commission.objects.filter(order=order).values_list("status", flat=True)) == {
        "reversed"
    }
