"""The ledger's invariants (SPEC section 10) under random sequences of what banks, partners and
admins do, as a Hypothesis state machine: approvals, rejections, reversals, payout requests,
cancellations, admin's mark paid and reject, and time passing the hold. After every step:

- no cent is created or lost: each application's live commissions (not reversed) sum to what
  its status is worth (an approval: the reward and the bonuses up two levels; a reversal:
  nothing, a paid commission and its clawback cancelling out);
- each requested or paid payout's amount and count are its commissions';
- each partner's balance (the API's) equals the sums of its commissions, recomputed here row
  by row, and a partner's `available` is its available commissions outside any payout.

Each example runs in a savepoint that is rolled back, so examples start from the same data;
the run is derandomized (the same examples every time) and bounded (well under a minute).
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from catalog.tests.factories import BankFactory, ProductFactory
from orders.models import Order
from orders.tests.factories import OrderFactory
from payouts import services
from payouts.models import Commission, Payout
from payouts.selectors import balance_of
from referrals.tests.factories import PartnerFactory, ReferralFactory
from tests.clients import bank_client, bearer_client

HOLD_DAYS = 14
L1, L2 = Decimal("10"), Decimal("5")
INCOMES = ["3.00", "1000.00", "33333.33", "100000.00", "250000.50"]
PARTNERS = 4  # a chain: partner 0 <- 1 <- 2 <- 3 (each referred by the previous one)
ORDERS = 4
SELLERS = [3, 2, 1, 3]  # whose application each is: bonuses of two, one, no level
CENT = Decimal("0.01")
SETTLEMENTS = ["paid", "rejected", "cancelled"]


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.bank = BankFactory()
        self.bank_api = bank_client(self.bank)
        self.partners = [PartnerFactory(payout_details=f"account {n:020d}") for n in range(4)]
        for referrer, referred in zip(self.partners, self.partners[1:], strict=False):
            ReferralFactory(referrer=referrer, referred=referred)
        self.clients = [bearer_client(partner) for partner in self.partners]
        self.orders = [
            OrderFactory(
                partner=self.partners[SELLERS[n]],
                product=ProductFactory(bank=self.bank, percent_user=Decimal("1.50")),
                income=Decimal(INCOMES[n % len(INCOMES)]),
            )
            for n in range(ORDERS)
        ]
        self.admin = PartnerFactory(is_staff=True)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # --- What happens ---------------------------------------------------------------------

    @initialize(
        approved=st.sets(st.integers(0, ORDERS - 1), min_size=1, max_size=ORDERS),
        held=st.booleans(),
    )
    def some_approvals(self, approved, held):
        """Start with money in the ledger (held, or already free), so that payouts and
        reversals have work from the first steps."""
        for index in sorted(approved):
            self._decide(index, {"approval": True})
        if not held:
            self.hold_passes()

    def _decide(self, index: int, body: dict) -> None:
        order = self.orders[index]
        response = self.bank_api.patch(f"/api/bank/orders/{order.pk}/", body, format="json")
        assert response.status_code in (200, 409), response.json()

    @rule(index=st.integers(0, ORDERS - 1))
    def approve(self, index):
        self._decide(index, {"approval": True})

    @rule(index=st.integers(0, ORDERS - 1))
    def reject(self, index):
        self._decide(index, {"status": "rejected"})

    @rule(index=st.integers(0, ORDERS - 1))
    def reverse(self, index):
        self._decide(index, {"status": "reversed", "reason": "returned"})

    def _requested(self, who):
        return Payout.objects.filter(partner=self.partners[who], status="requested").first()

    def _settle(self, who, how) -> None:
        """The partner cancels (the API), or an admin marks paid or rejects (the services the
        admin's actions call) its requested payout; a settled one cannot be cancelled (409)."""
        payout = self._requested(who)
        if how == "cancelled":
            payout = payout or Payout.objects.filter(partner=self.partners[who]).first()
            if payout is not None:
                response = self.clients[who].post(f"/api/payouts/{payout.pk}/cancel/")
                assert response.status_code in (200, 409)
        elif payout is not None and how == "paid":
            services.payout_mark_paid(payout_id=payout.pk, admin=self.admin, reference="TRX")
        elif payout is not None and how == "rejected":
            services.payout_reject(payout_id=payout.pk, admin=self.admin, reason="wrong account")

    @rule(who=st.integers(0, PARTNERS - 1), then=st.sampled_from([None, *SETTLEMENTS]))
    def request_payout(self, who, then):
        response = self.clients[who].post("/api/payouts/")
        assert response.status_code in (201, 400, 409), response.json()
        if then:
            self._settle(who, then)

    @rule(who=st.integers(0, PARTNERS - 1), how=st.sampled_from(SETTLEMENTS))
    def settle_payout(self, who, how):
        self._settle(who, how)

    @rule()
    def hold_passes(self):
        Commission.objects.update(available_at=F("available_at") - timedelta(days=HOLD_DAYS))

    # --- What always holds ----------------------------------------------------------------

    @invariant()
    def no_cent_is_created_or_lost(self):
        for order in Order.objects.filter(pk__in=[o.pk for o in self.orders]):
            live = Commission.objects.filter(order=order).exclude(status="reversed")
            kept = sum((c.amount for c in live), Decimal("0.00"))
            if order.status == "approved":
                partner_index = self.partners.index(order.partner)
                expected = order.reward
                if partner_index >= 1:
                    expected += cents(order.reward * L1 / 100)
                if partner_index >= 2:
                    expected += cents(order.reward * L2 / 100)
                assert kept == expected, (order.pk, kept, expected)
            else:
                assert kept == 0, (order.pk, order.status, kept)

    @invariant()
    def payouts_are_the_sums_of_their_commissions(self):
        for payout in Payout.objects.filter(status__in=["requested", "paid"]):
            commissions = list(payout.commissions.all())
            assert payout.amount == sum((c.amount for c in commissions), Decimal("0.00"))
            assert payout.commissions_count == len(commissions)
            wanted = "paid" if payout.status == "paid" else None
            for commission in commissions:
                assert commission.status in ({wanted} if wanted else {"pending", "available"})
        assert Payout.objects.filter(status="requested").values("partner").distinct().count() == (
            Payout.objects.filter(status="requested").count()
        )

    @invariant()
    def balances_are_the_sums_of_the_commissions(self):
        now = timezone.now()
        for partner in self.partners:
            expected = dict.fromkeys(("pending", "available", "requested", "paid"), Decimal(0))
            for c in Commission.objects.filter(partner=partner):
                if c.status == "paid":
                    expected["paid"] += c.amount
                elif c.status == "reversed":
                    continue
                elif c.payout_id is not None:
                    expected["requested"] += c.amount
                elif c.available_at <= now:
                    expected["available"] += c.amount
                else:
                    expected["pending"] += c.amount
            # What `GET /api/balance/` answers (its own tests check the HTTP side).
            assert balance_of(partner=partner) == {**expected, "currency": "RUB"}


@pytest.mark.django_db
def test_the_ledger_never_creates_or_loses_a_cent(settings):
    settings.COMMISSION_HOLD_DAYS = HOLD_DAYS
    settings.COMMISSION_REVERSAL_DAYS = 90
    settings.REFERRAL_BONUS_L1_PERCENT = L1
    settings.REFERRAL_BONUS_L2_PERCENT = L2
    settings.PAYOUT_MIN_AMOUNT = Decimal("10.00")
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "partner_write": None}
    run_state_machine_as_test(
        LedgerMachine,
        settings=hypothesis_settings(
            max_examples=20,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
