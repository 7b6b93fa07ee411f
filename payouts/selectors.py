"""Reads of the ledger and of payouts. Each runs a fixed number of queries, whatever the rows."""

from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from payouts.models import (
    CURRENCY,
    OPEN_STATUSES,
    Commission,
    CommissionKind,
    CommissionStatus,
    Payout,
)

ZERO = Decimal("0.00")
COMMISSION_COLUMNS = (
    "id",
    "order_id",
    "partner_id",
    "kind",
    "amount",
    "status",
    "available_at",
    "created_at",
    "payout_id",
    "order__id",
    "order__product__id",
    "order__product__name",
)


def balance_of(*, partner) -> dict:
    """`GET /api/balance/`: the partner's ledger summed by where its money stands, in one
    aggregate. `pending` is held until `available_at`; `available` is free and in no payout
    (negative after a clawback that nothing has netted yet); `requested` is in the requested
    payout; `paid` is paid (net of clawbacks paid out)."""
    now = timezone.now()
    open_ = Q(status__in=OPEN_STATUSES)
    totals = Commission.objects.filter(partner=partner).aggregate(
        pending=Sum(
            "amount",
            filter=Q(status=CommissionStatus.PENDING, available_at__gt=now, payout__isnull=True),
        ),
        available=Sum("amount", filter=open_ & Q(available_at__lte=now, payout__isnull=True)),
        requested=Sum("amount", filter=open_ & Q(payout__isnull=False)),
        paid=Sum("amount", filter=Q(status=CommissionStatus.PAID)),
    )
    return {key: value or ZERO for key, value in totals.items()} | {"currency": CURRENCY}


def commissions_of(*, partner, now=None) -> QuerySet[Commission]:
    """The partner's commissions, newest first, each with its application and product, and
    `current_status` (pending or available by `available_at`)."""
    return (
        Commission.objects.filter(partner=partner)
        .with_current_status(now=now)
        .select_related("order__product")
        .only(*COMMISSION_COLUMNS)
        .order_by("-created_at", "-id")
    )


def payouts_of(*, partner) -> QuerySet[Payout]:
    """The partner's payouts, newest first."""
    return Payout.objects.filter(partner=partner).order_by("-created_at", "-id")


def payouts_of_with_commissions(*, partner) -> QuerySet[Payout]:
    """The same, each with its commissions (for one payout's page)."""
    return payouts_of(partner=partner).prefetch_related(
        Prefetch(
            "commissions",
            queryset=Commission.objects.with_current_status()
            .select_related("order__product")
            .only(*COMMISSION_COLUMNS)
            .order_by("-created_at", "-id"),
        )
    )


BONUS_KINDS = (CommissionKind.REFERRAL_BONUS_1, CommissionKind.REFERRAL_BONUS_2)


def referral_bonuses_of(*, partner) -> Decimal:
    """The partner's referral bonuses as the ledger has them, net of reversals and clawbacks
    (a clawback of a bonus counts against it): the profile's `referral_bonus`."""
    total = (
        Commission.objects.filter(partner=partner)
        .exclude(status=CommissionStatus.REVERSED)
        .filter(Q(kind__in=BONUS_KINDS) | Q(reverses__kind__in=BONUS_KINDS))
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or ZERO
