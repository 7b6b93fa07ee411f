from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Balances are in the platform's currency; amounts carry no currency of their own.
CURRENCY = "RUB"


class CommissionKind(models.TextChoices):
    SALE = "sale", _("sale")
    REFERRAL_BONUS_1 = "referral_bonus_1", _("referral bonus, level 1")
    REFERRAL_BONUS_2 = "referral_bonus_2", _("referral bonus, level 2")
    CLAWBACK = "clawback", _("clawback")


class CommissionStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    AVAILABLE = "available", _("available")
    PAID = "paid", _("paid")
    REVERSED = "reversed", _("reversed")


#: Not yet paid and not reversed: the money the partner still has coming.
OPEN_STATUSES = (CommissionStatus.PENDING, CommissionStatus.AVAILABLE)
#: The kinds an approval creates, each at most once per application.
EARNED_KINDS = (
    CommissionKind.SALE,
    CommissionKind.REFERRAL_BONUS_1,
    CommissionKind.REFERRAL_BONUS_2,
)


class CommissionQuerySet(models.QuerySet):
    """A stored `pending` becomes `available` by the passing of time alone: no job has to run
    at `available_at`; every read compares it with now, through these."""

    def with_current_status(self, *, now=None):
        now = now or timezone.now()
        return self.annotate(
            current_status=Case(
                When(
                    status=CommissionStatus.PENDING,
                    available_at__lte=now,
                    then=Value(CommissionStatus.AVAILABLE.value),
                ),
                default=F("status"),
                output_field=models.CharField(),
            )
        )

    def in_status(self, status: str, *, now=None):
        now = now or timezone.now()
        return self.filter(status_condition(status, now=now))

    def payable(self, *, now=None):
        """Available and in no payout: what a payout request takes."""
        return self.in_status(CommissionStatus.AVAILABLE, now=now).filter(payout__isnull=True)


def status_condition(status: str, *, now) -> Q:
    """The commissions whose status, as the API shows it, is `status` at `now`."""
    if status == CommissionStatus.PENDING:
        return Q(status=CommissionStatus.PENDING, available_at__gt=now)
    if status == CommissionStatus.AVAILABLE:
        return Q(status=CommissionStatus.AVAILABLE) | Q(
            status=CommissionStatus.PENDING, available_at__lte=now
        )
    return Q(status=status)


class Commission(models.Model):
    """One entry of a partner's money ledger, which is append-only: balances are its sums.

    An approval creates the `sale` (the application's reward) and, up the referrer chain, the
    `referral_bonus_1` and `referral_bonus_2` (the platform pays them; they are never taken
    from the partner's reward); each at most once per application, which the unique constraint
    guarantees whatever races. A reversal marks the unpaid ones `reversed` and answers each
    paid one with a `clawback`: a negative entry, available at once, so the next payout nets it
    out; `reverses` points at the commission it takes back (once: unique).

    `status` is stored `pending` until the entry enters a payout (then `available`) or is paid
    or reversed; between, `available_at` alone decides whether it shows as `pending` or
    `available` (`CommissionQuerySet`). `payout` is the payout that requested or paid it.
    """

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="commissions")
    # Indexed by `payouts_comm_partner` (partner first): a separate index would only slow the
    # writes of a payout, which touch every index of tens of thousands of rows.
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="commissions",
        db_index=False,
    )
    kind = models.CharField(max_length=20, choices=CommissionKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(
        max_length=10, choices=CommissionStatus.choices, default=CommissionStatus.PENDING
    )
    available_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    payout = models.ForeignKey(
        "payouts.Payout",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commissions",
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clawback",
        help_text="The paid commission a clawback takes back",
    )

    objects = CommissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(kind__in=EARNED_KINDS),
                name="payouts_commission_once_per_order",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CommissionKind.values), name="payouts_commission_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CommissionStatus.values),
                name="payouts_commission_status_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=CommissionKind.CLAWBACK, amount__lt=0, reverses__isnull=False)
                    | (~Q(kind=CommissionKind.CLAWBACK) & Q(amount__gt=0, reverses__isnull=True))
                ),
                name="payouts_commission_sign_of_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status=CommissionStatus.PAID) | Q(payout__isnull=False),
                name="payouts_commission_paid_has_payout",
            ),
            models.CheckConstraint(
                condition=~Q(status=CommissionStatus.REVERSED) | Q(payout__isnull=True),
                name="payouts_commission_reversed_in_no_payout",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "-created_at", "-id"], name="payouts_comm_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} of application #{self.order_id}"

    def status_at(self, now) -> str:
        """The status the API shows at `now`: the Python twin of
        `CommissionQuerySet.with_current_status`, for a row already in hand."""
        if self.status == CommissionStatus.PENDING and self.available_at <= now:
            return CommissionStatus.AVAILABLE
        return self.status


class PayoutStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    PAID = "paid", _("paid")
    CANCELLED = "cancelled", _("cancelled")
    REJECTED = "rejected", _("rejected")


class Payout(models.Model):
    """A partner's request to be paid every commission available when it asked.

    At most one `requested` payout per partner (a partial unique index: the guard of
    simultaneous requests). `amount` and `commissions_count` are kept as requested: while
    `requested` or `paid` they are the sum and number of its commissions (a reversal in
    between takes its commissions out and lowers both); a `cancelled` (by the partner) or
    `rejected` (by an admin, with `reason`) payout gives its commissions back and keeps the two
    figures as the record of what was asked. `payout_details` is copied from the partner's
    profile at the request: the transfer goes where the partner said when it asked.
    """

    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    commissions_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=PayoutStatus.choices, default=PayoutStatus.REQUESTED
    )
    payout_details = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The admin who marked it paid or rejected it",
    )
    reference = models.CharField(
        max_length=200, blank=True, help_text="The bank transfer's reference, when paid"
    )
    reason = models.CharField(max_length=500, blank=True, help_text="Why it was rejected")

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(status="requested"),
                name="payouts_payout_one_requested_per_partner",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PayoutStatus.values), name="payouts_payout_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "-created_at", "-id"], name="payouts_payout_partner"),
            models.Index(fields=["status", "created_at"], name="payouts_payout_status"),
        ]

    def __str__(self) -> str:
        return f"payout #{self.pk} ({self.status}, {self.amount} {CURRENCY})"
