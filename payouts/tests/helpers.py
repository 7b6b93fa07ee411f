"""What the ledger tests share: URLs, the database's state, the ledger's invariants."""

from decimal import Decimal

from django.db.models import Sum

from orders.models import Order, OrderStatusChange
from payouts.models import Commission, Payout

BALANCE = "/api/balance/"
COMMISSIONS = "/api/commissions/"
PAYOUTS = "/api/payouts/"


def payout_url(payout_id: int) -> str:
    return f"{PAYOUTS}{payout_id}/"


def cancel_url(payout_id: int) -> str:
    return f"{PAYOUTS}{payout_id}/cancel/"


def snapshot() -> tuple:
    """Every commission, payout, application and history row: a refused request changes none."""
    return (
        list(Commission.objects.order_by("id").values()),
        list(Payout.objects.order_by("id").values()),
        list(Order.objects.order_by("id").values()),
        list(OrderStatusChange.objects.order_by("id").values()),
    )


def total(queryset) -> Decimal:
    return queryset.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
