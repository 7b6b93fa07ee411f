"""Writes of applications: submission through a link, partners' drafts, banks' decisions.

Locking order, everywhere: an application's row first, then its product's row. Submitting
locks the product row (`FOR NO KEY UPDATE`, which still lets other applications point at it),
so that the duplicate rule ("the same phone or e-mail for the same product within 24 hours")
holds when identical submissions arrive at once: they run one after the other and the second
sees the first. A decision locks the application's row, so that of a simultaneous approve and
reject one wins and the other sees a final state.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import partner_active_by_username, partner_signed_in
from catalog.selectors import product_available_to, product_by_id, products_available_to
from catalog.services import product_lock
from core.errors import NotFoundError
from core.lookups import same_text
from orders import events, notifications
from orders.errors import (
    ContradictoryDecisionError,
    DuplicateApplicationError,
    FinalDecisionError,
    IncompleteApplicationError,
    NotADraftError,
    NotApprovedError,
    OwnLinkApplicationError,
    ProductUnavailableError,
    ReversalWindowClosedError,
    UnknownProductError,
)
from orders.models import (
    FINAL_STATUSES,
    STATUS_RANK,
    ChangeSource,
    Channel,
    Order,
    OrderStatus,
    OrderStatusChange,
    ReferralClick,
)

DUPLICATE_WINDOW = timedelta(hours=24)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Landing:
    """What the landing page of a referral link shows."""

    partner: object
    product: object


def reward_for(*, income: Decimal, percent: Decimal) -> Decimal:
    """`income * percent / 100`, rounded half-up to cents."""
    return (income * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _record(order: Order, *, from_status: str, source: str, reason: str = "", at=None) -> None:
    OrderStatusChange.objects.create(
        order=order,
        from_status=from_status,
        to_status=order.status,
        source=source,
        reason=reason,
        created_at=at or timezone.now(),
    )


# --- Referral links -------------------------------------------------------------------------


def _link_partner(*, username: str):
    """The link's partner, or a 404 that says not what is wrong."""
    partner = partner_active_by_username(username=username)
    if partner is None:
        raise NotFoundError()
    return partner


def referral_link_visit(*, username: str, product_id: int, count_click: bool = True) -> Landing:
    """A client opened the link: count the click and give the landing page its data."""
    partner = partner_active_by_username(username=username)
    if partner is None:
        raise NotFoundError()
    product = product_available_to(partner=partner, product_id=product_id)
    if product is None:
        raise NotFoundError()
    if count_click:
        ReferralClick.objects.create(partner=partner, product=product)
    return Landing(partner=partner, product=product)


def _refuse_own_contact(*, partner, phone: str, email: str) -> None:
    """The rule of `selectors.own_contact_condition` (the admin's flag), for one application
    that does not exist yet: compared here in Python, so that applying costs no query more
    (`str.lower()` and SQL's LOWER can differ for a few letters, such as the long s)."""
    if partner.phone and phone == partner.phone:
        raise OwnLinkApplicationError(field="phone", what=_("phone"))
    if partner.email and email and email.lower() == partner.email.lower():
        raise OwnLinkApplicationError(field="email_client", what=_("e-mail"))


def _lock_product(*, partner, product_id: int):
    """A product the partner may sell, its row locked for the duplicate check; None when it
    is not one.

    The product, its bank and its category come from the catalogue's cache
    (`product_available_to`, renewed by every write to any of them, and again when that write
    commits); the lock reads the product's own row only and takes its percent from it, so an
    application is never priced on a stale percent nor accepted on a product withdrawn before
    the lock. A bank or a category switched off counts from the next request on (an application
    already past its cache read when that commits is taken, as one a moment earlier would be).
    """
    product = product_available_to(partner=partner, product_id=product_id)
    if product is None:
        return None
    percent = product_lock(product_id=product_id)
    if percent is None:
        return None
    product.percent_user = percent
    return product


def _refuse_duplicate(*, product_id: int, phone: str, email: str, now) -> None:
    duplicates = Order.objects.filter(
        Q(phone=phone) | same_text("email_client", email),
        product_id=product_id,
        submitted_at__gte=now - DUPLICATE_WINDOW,
    ).exclude(status=OrderStatus.DRAFT)
    if duplicates.exists():
        raise DuplicateApplicationError()


def _submit(order: Order, *, product, source: str, now) -> None:
    """Make a complete application `new`: its percent is fixed now. Call under the product lock."""
    _refuse_duplicate(product_id=product.pk, phone=order.phone, email=order.email_client, now=now)
    from_status = order.status if order.pk else ""
    order.status = OrderStatus.NEW
    order.percent_user = product.percent_user
    order.submitted_at = now
    order.save()
    _record(order, from_status=from_status, source=source, at=now)
    order.product = product
    events.application_submitted(order=order)
    notifications.client_application_received(order=order, product=product)


def order_create_from_link(
    *, username: str, product_id: int, income: Decimal, email_client: str, phone: str
) -> Order:
    """A client applies through a partner's link; 404 when the link leads nowhere.

    Of identical applications sent at once, one is created and the others get 409. The
    partner's own phone or e-mail is a 400 on that field: no reward for applying to oneself.
    """
    partner = _link_partner(username=username)
    _refuse_own_contact(partner=partner, phone=phone, email=email_client)
    with transaction.atomic():
        product = _lock_product(partner=partner, product_id=product_id)
        if product is None:
            raise NotFoundError()
        order = Order(
            partner=partner,
            product=product,
            bank_id=product.bank_id,
            channel=Channel.LINK,
            income=income,
            email_client=email_client,
            phone=phone,
        )
        _submit(order, product=product, source=ChangeSource.CLIENT, now=timezone.now())
    return order


# --- Partners' drafts -----------------------------------------------------------------------


def order_draft_create(
    *,
    partner,
    product_id: int,
    income: Decimal | None = None,
    email_client: str = "",
    phone: str = "",
) -> Order:
    """A draft the partner fills for a client; banks do not see it until it is confirmed."""
    product = products_available_to(partner=partner).filter(pk=product_id).first()
    if product is None:
        raise UnknownProductError(field="product")
    with transaction.atomic():
        order = Order.objects.create(
            partner=partner,
            product=product,
            bank_id=product.bank_id,
            status=OrderStatus.DRAFT,
            channel=Channel.PARTNER,
            income=income,
            email_client=email_client,
            phone=phone,
        )
        _record(order, from_status="", source=ChangeSource.PARTNER, at=order.created_at)
    return order


def _lock_own_draft(*, partner, order_id: int) -> Order:
    """The partner's draft, row locked: another's or an unknown one is a 404, a submitted one
    a 409 (only a draft is still the partner's to change)."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(pk=order_id, partner=partner)
        .first()
    )
    if order is None:
        raise NotFoundError()
    if order.status != OrderStatus.DRAFT:
        raise NotADraftError()
    return order


def order_draft_confirm(
    *,
    partner,
    order_id: int,
    income: Decimal | None = None,
    email_client: str | None = None,
    phone: str | None = None,
) -> Order:
    """Complete a draft with what is given and submit it, as the public form would.

    Every field must be there in the end; the duplicate rule applies; the product must still
    be one the partner may sell.
    """
    with transaction.atomic():
        order = _lock_own_draft(partner=partner, order_id=order_id)
        if income is not None:
            order.income = income
        if email_client:
            order.email_client = email_client
        if phone:
            order.phone = phone
        missing = [
            name
            for name, value in (
                ("income", order.income),
                ("email_client", order.email_client),
                ("phone", order.phone),
            )
            if not value
        ]
        if missing:
            raise IncompleteApplicationError(missing)
        product = _lock_product(partner=partner, product_id=order.product_id)
        if product is None:
            raise ProductUnavailableError()
        _submit(order, product=product, source=ChangeSource.PARTNER, now=timezone.now())
    return order


def order_draft_delete(*, partner, order_id: int) -> None:
    """Delete one of the partner's drafts; a submitted application stays (409)."""
    with transaction.atomic():
        order = _lock_own_draft(partner=partner, order_id=order_id)
        order.delete()


# --- Decisions (bank, admin) ----------------------------------------------------------------
#
# These move the application only. Approving and reversing also create and reverse the
# partners' commissions, in the same transaction: that flow is `payouts.decisions`, which calls
# these inside its own `transaction.atomic()`, so the application's row lock taken here lasts
# until the commissions are written too. Call these directly only where no money moves.


@dataclass(frozen=True)
class Decision:
    """What a decision did to an application: its status before and the locked row after."""

    order: Order
    previous_status: str

    @property
    def changed(self) -> bool:
        return self.order.status != self.previous_status


def decision_target(
    *, view: bool = False, approval: bool = False, status: str | None = None
) -> str | None:
    """The status a bank's `{view?, approval?, status?}` asks for; None when it asks nothing.

    `false` flags ask nothing (the seed's "not approved yet"); `approval: true` with
    `status: rejected` or `status: reversed` contradicts itself.
    """
    wanted = {status} if status else set()
    if approval:
        wanted.add(OrderStatus.APPROVED)
    if view:
        wanted.add(OrderStatus.VIEWED)
    if OrderStatus.APPROVED in wanted and wanted & {OrderStatus.REJECTED, OrderStatus.REVERSED}:
        raise ContradictoryDecisionError()
    if not wanted:
        return None
    return max(wanted, key=lambda value: STATUS_RANK[value])


def reversal_deadline(order: Order):
    """The last moment a bank may reverse the approval (`COMMISSION_REVERSAL_DAYS` after it)."""
    return order.decided_at + timedelta(days=settings.COMMISSION_REVERSAL_DAYS)


def _refuse_reversal(order: Order, *, now) -> None:
    if order.status != OrderStatus.APPROVED:
        raise NotApprovedError()
    if now > reversal_deadline(order):
        raise ReversalWindowClosedError()


def _decide(order: Order, *, target: str | None, source: str, reason: str) -> bool:
    """Move a locked, submitted application to `target`; False when nothing changes.

    Repeating the current state, or `viewed` for one the bank decided already, is a no-op;
    contradicting a final decision is a 409, and so is reversing what is not approved or is
    past the reversal window. The reward is computed once, on approval, and kept on reversal;
    `decided_at` stays the moment of the approval (the history has the reversal's).
    """
    current = order.status
    if target is None or target == current:
        return False
    now = timezone.now()
    if target == OrderStatus.REVERSED:
        _refuse_reversal(order, now=now)
    elif current in FINAL_STATUSES:
        if target == OrderStatus.VIEWED:
            return False
        raise FinalDecisionError()
    elif STATUS_RANK[target] <= STATUS_RANK[current]:
        return False
    _attach_related(order, partner=target in FINAL_STATUSES)
    order.status = target
    if target in (OrderStatus.APPROVED, OrderStatus.REJECTED):
        order.decided_at = now
    if target == OrderStatus.APPROVED:
        order.reward = reward_for(income=order.income, percent=order.percent_user)
    order.save(update_fields=["status", "decided_at", "reward", "updated_at"])
    _record(order, from_status=current, source=source, reason=reason, at=now)
    events.application_decided(order=order)
    if target in FINAL_STATUSES:
        notifications.partner_application_decided(order=order)
    return True


def _lock_submitted_order(*, order_id: int, bank=None) -> Order:
    """The submitted application, row locked; of `bank` when given. 404 otherwise (drafts too).

    Its own row only (`[:1]`, without `.first()`'s ORDER BY): building a query that also read
    its partner, product and bank was most of a decision's time. `_decide` attaches those from
    the shared cache when a change needs them.
    """
    orders = Order.objects.select_for_update().exclude(status=OrderStatus.DRAFT)
    if bank is not None:
        orders = orders.filter(bank=bank)
    found = list(orders.filter(pk=order_id)[:1])
    if not found:
        raise NotFoundError()
    return found[0]


def _attach_related(order: Order, *, partner: bool) -> None:
    """The locked application's product (with bank and category) and, when asked, its partner,
    from the shared cache (renewed by every write to them), for its events, e-mails and
    commissions. (Both are protected from deletion while the application exists; were one
    missing all the same, its attribute would load from the database as usual.)"""
    product = product_by_id(order.product_id)
    if product is not None:
        order.product = product
    if partner:
        found = partner_signed_in(user_id=order.partner_id)
        if found is not None:
            order.partner = found


def order_apply_bank_decision(
    *,
    bank,
    order_id: int,
    view: bool = False,
    approval: bool = False,
    status: str | None = None,
    reason: str = "",
) -> Decision:
    """A bank reports its decision on one of its applications (PUT with the token, or PATCH).

    Another bank's application, an unknown one and a draft all answer the same 404.
    """
    target = decision_target(view=view, approval=approval, status=status)
    # No savepoint of its own: `payouts.decisions` wraps it in the transaction that decides
    # (and lets whatever fails here end that transaction too); alone, it is that transaction.
    with transaction.atomic(savepoint=False):
        order = _lock_submitted_order(order_id=order_id, bank=bank)
        previous = order.status
        _decide(order, target=target, source=ChangeSource.BANK, reason=reason)
    return Decision(order=order, previous_status=previous)


def order_decide_by_admin(*, order_id: int, status: str, reason: str = "") -> Decision:
    """An admin approves or rejects (or reverses); `changed` is False when it was already so.
    Drafts: 404."""
    with transaction.atomic(savepoint=False):  # as `order_apply_bank_decision`
        order = _lock_submitted_order(order_id=order_id)
        previous = order.status
        _decide(order, target=status, source=ChangeSource.ADMIN, reason=reason)
    return Decision(order=order, previous_status=previous)
