"""Reads of applications: the partner's and the bank's lists, the profile's parts, statistics.

Every function here runs a fixed number of queries, whatever the number of applications.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    Expression,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Lower
from django.db.models.lookups import Exact

from orders.models import (
    BankProductTotal,
    Channel,
    Order,
    OrderStatus,
    OrderStatusChange,
    PartnerProductDay,
    PartnerProductTotal,
    ReferralClick,
)

PROFILE_SUCCESS_ORDERS_LIMIT = 50
ZERO = Decimal("0.00")
ONE_DAY = timedelta(days=1)
# The funnel's counts, per product and in total (`total_reward` is summed beside them).
FUNNEL_COUNTS = ("clicks", "orders", "link_orders", "approved", "rejected", "reversed")


def money(value: Decimal | None) -> str:
    """Money as the API shows it: a string with two decimals."""
    return str((value or ZERO).quantize(Decimal("0.01")))


# The columns a list item shows: all of the application's own and a few of its product's
# (never the product's description).
ORDER_COLUMNS = tuple(
    field.name for field in Order._meta.concrete_fields if field.name != "product"
)
PARTNER_ORDER_COLUMNS = (
    *ORDER_COLUMNS,
    "product__id",
    "product__name",
    "product__bank__id",
    "product__bank__name",
)
BANK_ORDER_COLUMNS = (*ORDER_COLUMNS, "product__id", "product__name", "product__external_id")


def orders_of_partner(*, partner) -> QuerySet[Order]:
    """The partner's applications, drafts included, newest first, ready for listing."""
    return (
        Order.objects.filter(partner=partner)
        .select_related("product__bank")
        .only(*PARTNER_ORDER_COLUMNS)
        .order_by("-created_at", "-id")
    )


def orders_of_partner_count(*, partner) -> Expression:
    """The exact number of `orders_of_partner(partner)`, as an expression for a list page's
    count column, without counting the rows: the submitted applications summed from the
    partner's statistics totals (a row per product it touched, kept by the database's triggers
    in the transaction of every write, `PartnerProductTotal`) and its drafts counted on their
    own index. Counting a partner's rows read up to `COUNT_LIMIT` index entries a page, and
    the table's pages for those not yet vacuumed (every recent application and decision)."""
    return _integer_subquery(
        PartnerProductTotal.objects.filter(partner=partner), "partner", Sum("orders")
    ) + _integer_subquery(
        Order.objects.filter(partner=partner, status=OrderStatus.DRAFT), "partner", Count("pk")
    )


def _integer_subquery(rows: QuerySet, group: str, aggregate) -> Expression:
    """`aggregate` of `rows` (grouped by their one owner `group`) as an integer subquery, 0
    when there are no rows."""
    integer = IntegerField()
    rows = rows.order_by().values(group).annotate(total=aggregate).values("total")
    return Coalesce(Subquery(rows, output_field=integer), 0, output_field=integer)


# A list item's columns as plain rows (`.values()`): a page of 50 without building 150 model
# instances, which cost more than the query. `orders.serializers` turns a row into the same
# item as the instance (tested); the keys are the columns' names.
ORDER_ROW_COLUMNS = (
    "id",
    "income",
    "email_client",
    "phone",
    "status",
    "channel",
    "percent_user",
    "reward",
    "created_at",
    "submitted_at",
    "decided_at",
    "product_id",
    "product__name",
)
PARTNER_ORDER_ROW_COLUMNS = (*ORDER_ROW_COLUMNS, "product__bank_id", "product__bank__name")
BANK_ORDER_ROW_COLUMNS = (*ORDER_ROW_COLUMNS, "product__external_id")


def order_rows_of_partner(*, partner) -> QuerySet:
    """`orders_of_partner` as plain rows, for the list."""
    return orders_of_partner(partner=partner).values(*PARTNER_ORDER_ROW_COLUMNS)


def order_of_partner_with_history(*, partner) -> QuerySet[Order]:
    """The partner's applications with their history (for one application's page)."""
    return orders_of_partner(partner=partner).prefetch_related(
        Prefetch("history", queryset=OrderStatusChange.objects.order_by("created_at", "id"))
    )


def orders_of_bank(*, bank) -> QuerySet[Order]:
    """The bank's applications, never drafts (a draft is still the partner's), in the order
    they were submitted: a bank that pulls `?since=` its last pull pages through a list that
    only grows at its end."""
    return (
        Order.objects.filter(bank=bank)
        .exclude(status=OrderStatus.DRAFT)
        .select_related("product")
        .only(*BANK_ORDER_COLUMNS)
        .order_by("submitted_at", "id")
    )


def orders_of_bank_count(*, bank) -> Expression:
    """The exact number of `orders_of_bank(bank)`, as an expression for a list page's count
    column, without counting the rows: summed from the bank's totals, a row per product kept
    by the database's triggers in the transaction of every write (`BankProductTotal`)."""
    return _integer_subquery(BankProductTotal.objects.filter(bank=bank), "bank", Sum("orders"))


def order_rows_of_bank(*, bank) -> QuerySet:
    """`orders_of_bank` as plain rows, for the list."""
    return orders_of_bank(bank=bank).values(*BANK_ORDER_ROW_COLUMNS)


def _submitted(partner) -> QuerySet[Order]:
    return Order.objects.filter(partner=partner).exclude(status=OrderStatus.DRAFT)


def approved_orders_recent(*, partner) -> QuerySet[Order]:
    """The profile's "Success order": the partner's 50 most recently approved applications."""
    return (
        _submitted(partner)
        .filter(status=OrderStatus.APPROVED)
        .select_related("product")
        .order_by("-decided_at", "-id")[:PROFILE_SUCCESS_ORDERS_LIMIT]
    )


SUCCESS_ORDER_ROW_COLUMNS = (
    "id",
    "product_id",
    "product__name",
    "income",
    "email_client",
    "phone",
    "status",
    "reward",
    "created_at",
    "partner_id",
)


def approved_order_rows_recent(*, partner) -> QuerySet:
    """`approved_orders_recent` as plain rows, for the profile."""
    return approved_orders_recent(partner=partner).values(*SUCCESS_ORDER_ROW_COLUMNS)


def earnings_of(*, partner) -> dict:
    """The profile's "Earnings": every approved application counted and summed, as money
    (a reversed one no longer counts, as in the ledger). Read from `PartnerProductTotal`, which
    the database's triggers keep: one row per product, however many applications."""
    totals = PartnerProductTotal.objects.filter(partner=partner).aggregate(
        count=Sum("approved"), income=Sum("income"), reward=Sum("reward")
    )
    return {
        "approved_orders": totals["count"] or 0,
        "total_income": money(totals["income"]),
        "total_reward": money(totals["reward"]),
    }


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _in_range_q(*, created_after=None, created_before=None) -> Q:
    condition = Q()
    if created_after is not None:
        condition &= Q(created_at__gte=created_after)
    if created_before is not None:
        condition &= Q(created_at__lt=created_before)
    return condition


def _whole_days(created_after, created_before):
    """The UTC days wholly inside `[created_after, created_before)` as `(first, end)` (either
    None when unbounded), and the partial stretches at its edges as `(start, end)` moments."""
    first = end = None
    edges = []
    if created_after is not None:
        after = created_after.astimezone(UTC)
        first = after.date() if after == _midnight(after.date()) else after.date() + ONE_DAY
        if after < _midnight(first):
            edges.append((after, _midnight(first)))
    if created_before is not None:
        before = created_before.astimezone(UTC)
        end = before.date()
        if _midnight(end) < before:
            edges.append((_midnight(end), before))
    if first is not None and end is not None and first >= end:
        return None, []  # within one day (or empty): count the rows of the range itself
    return (first, end), edges


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def partner_stats(*, partner, created_after=None, created_before=None) -> dict:
    """The partner's funnel, overall and per product, reading whole days from
    `PartnerProductDay` (kept by the database's triggers; `PartnerProductTotal` when the range
    is all time) and counting rows only where the range cuts a day: so its cost does not grow
    with the partner's history.

    `orders` counts submitted applications (drafts are not applications yet), `link_orders`
    those that clients sent through the referral links. `conversion` is link applications per
    click (a partner's own drafts had no click, so they would only inflate it) and
    `approval_rate` approved per decided application, each null while its denominator is zero.
    `total_reward` sums the approved applications' rewards: it equals the partner's `sale`
    commissions in the ledger net of their clawbacks (`payouts`), since a reversed application
    is no longer counted and its commission is reversed or clawed back. Every count is of the
    clicks and applications created in the range.
    """
    per_product: dict[int, dict] = {}

    def row(product_id: int, name: str) -> dict:
        return per_product.setdefault(
            product_id,
            {"product": {"id": product_id, "name": name}}
            | dict.fromkeys(FUNNEL_COUNTS, 0)
            | {"total_reward": ZERO},
        )

    def add(item: dict) -> None:
        entry = row(item["product_id"], item["product__name"])
        for key in FUNNEL_COUNTS:
            entry[key] += item.get(key) or 0
        entry["total_reward"] += item.get("total_reward") or ZERO

    days, edges = _whole_days(created_after, created_before)
    if days is None:
        edges = [(created_after, created_before)]
    else:
        first, end = days
        if first is None and end is None:
            # All time: the totals, one row per product (their unique constraint), not days.
            whole = PartnerProductTotal.objects.filter(partner=partner).values(
                "product_id", "product__name", *FUNNEL_COUNTS, total_reward=F("reward")
            )
        else:
            days_rows = PartnerProductDay.objects.filter(partner=partner)
            if first is not None:
                days_rows = days_rows.filter(day__gte=first)
            if end is not None:
                days_rows = days_rows.filter(day__lt=end)
            whole = (
                days_rows.values("product_id", "product__name")
                .annotate(
                    clicks=Sum("clicks"),
                    orders=Sum("orders"),
                    link_orders=Sum("link_orders"),
                    approved=Sum("approved"),
                    rejected=Sum("rejected"),
                    reversed=Sum("reversed"),
                    total_reward=Sum("reward"),
                )
                .order_by()
            )
        for item in whole:
            add(item)
    if edges:
        in_edges = Q()
        for start, stop in edges:
            in_edges |= _in_range_q(created_after=start, created_before=stop)
        for item in (
            ReferralClick.objects.filter(in_edges, partner=partner)
            .values("product_id", "product__name")
            .annotate(clicks=Count("id"))
            .order_by()
        ):
            add(item)
        for item in (
            _submitted(partner)
            .filter(in_edges)
            .values("product_id", "product__name")
            .annotate(
                orders=Count("id"),
                link_orders=Count("id", filter=Q(channel=Channel.LINK)),
                approved=Count("id", filter=Q(status=OrderStatus.APPROVED)),
                rejected=Count("id", filter=Q(status=OrderStatus.REJECTED)),
                reversed=Count("id", filter=Q(status=OrderStatus.REVERSED)),
                # A reversed application keeps its reward as a record, but it is not earned.
                total_reward=Sum("reward", filter=Q(status=OrderStatus.APPROVED)),
            )
            .order_by()
        ):
            add(item)
    # A product whose every count cancelled out (a click deleted with its partner's data)
    # is not shown, as it was not when the rows were counted.
    per_product = {
        key: entry
        for key, entry in per_product.items()
        if any(entry[name] for name in FUNNEL_COUNTS) or entry["total_reward"]
    }

    def funnel(counts: dict) -> dict:
        return {
            "clicks": counts["clicks"],
            "orders": counts["orders"],
            "link_orders": counts["link_orders"],
            "approved": counts["approved"],
            "rejected": counts["rejected"],
            "reversed": counts["reversed"],
            "conversion": _ratio(counts["link_orders"], counts["clicks"]),
            "approval_rate": _ratio(counts["approved"], counts["approved"] + counts["rejected"]),
            "total_reward": money(counts["total_reward"]),
        }

    products = sorted(
        per_product.values(),
        key=lambda entry: (-entry["orders"], -entry["clicks"], entry["product"]["id"]),
    )
    totals = {
        key: sum((entry[key] for entry in products), ZERO if key == "total_reward" else 0)
        for key in (*FUNNEL_COUNTS, "total_reward")
    }
    return {
        **funnel(totals),
        "by_product": [{"product": entry["product"], **funnel(entry)} for entry in products],
    }


def own_contact_condition() -> Q:
    """Applications whose phone or e-mail is their partner's own (any letter case): a partner
    applying to itself. New ones are refused; the admin flags those from before the rule."""
    return Q(partner__phone__isnull=False, phone=F("partner__phone")) | (
        ~Q(partner__email="") & Q(Exact(Lower("email_client"), Lower("partner__email")))
    )
