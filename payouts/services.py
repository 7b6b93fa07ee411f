"""Writes of the ledger and of payouts.

Locking order, everywhere money moves: an application's row (taken by `orders`' decision
services), then the rows of the partners whose money moves (ascending ids), then payouts, then
commissions. A payout request, a cancellation, an admin's mark paid or reject and a reversal
all lock the partner first, so for one partner they run one after the other: two requests
cannot both take the same commissions, and a reversal cannot slip a commission out of a
payout while an admin pays it. The partial unique index on requested payouts is the last guard
(its violation answers the same 409).
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from core.errors import NotFoundError
from payouts import events
from payouts.errors import (
    PayoutAlreadyRequestedError,
    PayoutBelowMinimumError,
    PayoutDetailsMissingError,
    PayoutNotRequestedError,
)
from payouts.models import (
    OPEN_STATUSES,
    Commission,
    CommissionKind,
    CommissionStatus,
    Payout,
    PayoutStatus,
)
from referrals.selectors import referrers_up

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
BONUS_LEVELS = (
    (CommissionKind.REFERRAL_BONUS_1, "REFERRAL_BONUS_L1_PERCENT"),
    (CommissionKind.REFERRAL_BONUS_2, "REFERRAL_BONUS_L2_PERCENT"),
)


def percent_of(amount: Decimal, percent) -> Decimal:
    """`amount * percent / 100`, rounded half-up to cents."""
    return (amount * Decimal(str(percent)) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _lock_partners(partner_ids) -> None:
    """Lock the partners' rows, in ascending order (`FOR NO KEY UPDATE`: rows that point at a
    partner can still be inserted meanwhile)."""
    ids = sorted(set(partner_ids))
    if ids:
        list(
            get_user_model()
            .objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


# --- The ledger: what decisions write -------------------------------------------------------


def commissions_create_for_approval(*, order) -> list[Commission]:
    """The approval's commissions: the partner's `sale` (its reward), its referrer's
    `referral_bonus_1` and that one's referrer's `referral_bonus_2`, as percents of the reward
    paid by the platform. Inactive partners get nothing; a zero amount is not recorded.

    Call inside the approval's transaction, with the application's row locked: the unique
    constraint on (application, kind) makes a second call fail rather than pay twice.
    """
    reward = order.reward or ZERO
    available_at = order.decided_at + timedelta(days=settings.COMMISSION_HOLD_DAYS)
    entries = []
    if order.partner.is_active:
        entries.append((order.partner, CommissionKind.SALE, reward))
    chain = referrers_up(partner_id=order.partner_id, levels=len(BONUS_LEVELS))
    for referrer, (kind, setting) in zip(chain, BONUS_LEVELS, strict=False):
        if referrer.is_active:
            entries.append((referrer, kind, percent_of(reward, getattr(settings, setting))))
    commissions = [
        Commission(
            order=order,
            partner=partner,
            kind=kind,
            amount=amount,
            status=CommissionStatus.PENDING,
            available_at=available_at,
            created_at=order.decided_at,
        )
        for partner, kind, amount in entries
        if amount > 0
    ]
    created = Commission.objects.bulk_create(commissions)
    events.commissions_created(commissions=created)
    return created


def commissions_reverse_for_order(*, order) -> None:
    """The reversal's side of the ledger: the application's unpaid commissions become
    `reversed` (leaving any requested payout, whose amount drops by as much); each paid one is
    answered by a `clawback` of its negative amount, available at once.

    Call inside the reversal's transaction, with the application's row locked.
    """
    now = timezone.now()
    partner_ids = Commission.objects.filter(order=order).values_list("partner_id", flat=True)
    _lock_partners(partner_ids)
    unpaid = list(
        Commission.objects.select_for_update()
        .filter(order=order, status__in=OPEN_STATUSES)
        .order_by("pk")
    )
    leaving: dict[int, list[Commission]] = {}
    for commission in unpaid:
        if commission.payout_id is not None:
            leaving.setdefault(commission.payout_id, []).append(commission)
    for payout in Payout.objects.select_for_update().filter(pk__in=leaving).order_by("pk"):
        taken = leaving[payout.pk]
        payout.amount -= sum((c.amount for c in taken), ZERO)
        payout.commissions_count -= len(taken)
        payout.save(update_fields=["amount", "commissions_count"])
    Commission.objects.filter(pk__in=[c.pk for c in unpaid]).update(
        status=CommissionStatus.REVERSED, payout=None
    )
    paid = Commission.objects.filter(order=order, status=CommissionStatus.PAID).exclude(
        kind=CommissionKind.CLAWBACK
    )
    clawbacks = Commission.objects.bulk_create(
        Commission(
            order=order,
            partner_id=commission.partner_id,
            kind=CommissionKind.CLAWBACK,
            amount=-commission.amount,
            status=CommissionStatus.PENDING,
            available_at=now,
            created_at=now,
            reverses=commission,
        )
        for commission in paid
    )
    events.commissions_created(commissions=clawbacks)


# --- Payouts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayableTotal:
    amount: Decimal
    count: int


def _payable_total(*, partner_id: int, now) -> PayableTotal:
    totals = (
        Commission.objects.filter(partner_id=partner_id)
        .payable(now=now)
        .aggregate(amount=Sum("amount"), count=Count("id"))
    )
    return PayableTotal(amount=totals["amount"] or ZERO, count=totals["count"])


def payout_request(*, partner) -> Payout:
    """`POST /api/payouts/`: a payout of every available commission of the partner.

    409 when one is already requested; 400 without `payout_details` or below
    `PAYOUT_MIN_AMOUNT`. Of simultaneous requests exactly one succeeds: they queue on the
    partner's row, and the next one finds the payout requested.
    """
    now = timezone.now()
    minimum = settings.PAYOUT_MIN_AMOUNT
    try:
        with transaction.atomic():
            _lock_partners([partner.pk])
            if Payout.objects.filter(partner=partner, status=PayoutStatus.REQUESTED).exists():
                raise PayoutAlreadyRequestedError()
            details = (
                get_user_model()
                .objects.filter(pk=partner.pk)
                .values_list("payout_details", flat=True)
                .first()
            )
            if not (details or "").strip():
                raise PayoutDetailsMissingError(field="payout_details")
            if _payable_total(partner_id=partner.pk, now=now).amount < minimum:
                raise PayoutBelowMinimumError(minimum)
            payout = Payout.objects.create(
                partner=partner, amount=ZERO, payout_details=details, created_at=now
            )
            Commission.objects.filter(partner=partner).payable(now=now).update(
                payout=payout, status=CommissionStatus.AVAILABLE
            )
            # The sum of the rows actually taken, so the amount is theirs whatever changed
            # since the check above.
            taken = Commission.objects.filter(payout=payout).aggregate(
                amount=Sum("amount"), count=Count("id")
            )
            payout.amount = taken["amount"] or ZERO
            payout.commissions_count = taken["count"]
            if payout.amount < minimum:
                raise PayoutBelowMinimumError(minimum)
            payout.save(update_fields=["amount", "commissions_count"])
            events.payout_requested(payout=payout)
    except IntegrityError as exc:
        # Another request of the same partner won the partial unique index.
        raise PayoutAlreadyRequestedError() from exc
    return payout


def _lock_requested_payout(*, payout_id: int, partner=None) -> Payout:
    """The payout, its partner's and its own rows locked; 404 when unknown (or not
    `partner`'s), 409 when no longer requested."""
    payouts = Payout.objects.all()
    if partner is not None:
        payouts = payouts.filter(partner=partner)
    partner_id = payouts.filter(pk=payout_id).values_list("partner_id", flat=True).first()
    if partner_id is None:
        raise NotFoundError()
    _lock_partners([partner_id])
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    if payout.status != PayoutStatus.REQUESTED:
        raise PayoutNotRequestedError()
    return payout


def _release(payout: Payout, *, status: str, by=None, reason: str = "") -> Payout:
    """Close a requested payout without paying it: its commissions are available again."""
    Commission.objects.filter(payout=payout).update(payout=None)
    payout.status = status
    payout.decided_at = timezone.now()
    payout.decided_by = by
    payout.reason = reason
    payout.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    return payout


def payout_cancel(*, partner, payout_id: int) -> Payout:
    """The partner takes back its request; another's payout is a 404, a settled one a 409."""
    with transaction.atomic():
        payout = _lock_requested_payout(payout_id=payout_id, partner=partner)
        return _release(payout, status=PayoutStatus.CANCELLED)


def payout_reject(*, payout_id: int, admin, reason: str) -> Payout:
    """An admin refuses the payout (the details are wrong, say): commissions available again."""
    with transaction.atomic():
        payout = _lock_requested_payout(payout_id=payout_id)
        return _release(payout, status=PayoutStatus.REJECTED, by=admin, reason=reason)


def payout_mark_paid(*, payout_id: int, admin, reference: str = "") -> Payout:
    """An admin records the transfer: the payout and its commissions are `paid`."""
    with transaction.atomic():
        payout = _lock_requested_payout(payout_id=payout_id)
        Commission.objects.filter(payout=payout).update(status=CommissionStatus.PAID)
        payout.status = PayoutStatus.PAID
        payout.decided_at = timezone.now()
        payout.decided_by = admin
        payout.reference = reference
        payout.save(update_fields=["status", "decided_at", "decided_by", "reference"])
        events.payout_paid(payout=payout)
    return payout
