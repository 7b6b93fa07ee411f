"""Decisions on applications, written top-down over the apps they touch, in one transaction.

A bank's (or an admin's) decision moves the application (`orders.services`, which locks its
row) and, when it approves or reverses, writes the partners' commissions (`payouts.services`)
before the transaction commits. The application's row lock lasts until that commit, so of
simultaneous decisions on one application one approves and creates the commissions, and the
others find it approved and create nothing: exactly once. The bank endpoints and the admin's
actions call these, never `orders`' decision services alone.
"""

from django.db import transaction

from orders import services as order_services
from orders.models import OrderStatus
from payouts import services


def _settle(decision: order_services.Decision) -> None:
    if not decision.changed:
        return
    if decision.order.status == OrderStatus.APPROVED:
        services.commissions_create_for_approval(order=decision.order)
    elif decision.order.status == OrderStatus.REVERSED:
        services.commissions_reverse_for_order(order=decision.order)


def bank_decision_apply(
    *,
    bank,
    order_id: int,
    view: bool = False,
    approval: bool = False,
    status: str | None = None,
    reason: str = "",
):
    """`PUT /api/order/{id}/{token}/` and `PATCH /api/bank/orders/{id}/`: the application,
    decided, and its commissions written or taken back."""
    with transaction.atomic():
        decision = order_services.order_apply_bank_decision(
            bank=bank, order_id=order_id, view=view, approval=approval, status=status, reason=reason
        )
        _settle(decision)
    return decision.order


def admin_decision_apply(*, order_id: int, status: str, reason: str = "") -> bool:
    """The admin's approve / reject actions; False when the application already was so."""
    with transaction.atomic():
        decision = order_services.order_decide_by_admin(
            order_id=order_id, status=status, reason=reason
        )
        _settle(decision)
    return decision.changed
