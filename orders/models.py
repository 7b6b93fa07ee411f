from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    NEW = "new", _("new")
    VIEWED = "viewed", _("viewed")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    REVERSED = "reversed", _("reversed")


class ChangeSource(models.TextChoices):
    CLIENT = "client", _("client")
    PARTNER = "partner", _("partner")
    BANK = "bank", _("bank")
    ADMIN = "admin", _("admin")


class Channel(models.TextChoices):
    """How an application came in: a client through a referral link, or a partner who filled
    it in for a client (a draft, until it was confirmed)."""

    LINK = "link", _("referral link")
    PARTNER = "partner", _("partner, for a client")


# The bank's decisions: nothing goes back from them. Only `approved` may still move on, to
# `reversed` (the client returned the product), which is final as `rejected` is.
FINAL_STATUSES = frozenset({OrderStatus.APPROVED, OrderStatus.REJECTED, OrderStatus.REVERSED})
# How far each status is along `draft -> new -> viewed -> approved -> reversed | rejected`.
STATUS_RANK = {
    OrderStatus.DRAFT: 0,
    OrderStatus.NEW: 1,
    OrderStatus.VIEWED: 2,
    OrderStatus.APPROVED: 3,
    OrderStatus.REJECTED: 3,
    OrderStatus.REVERSED: 4,
}
# The statuses that carry a reward: an approval computes it, a reversal keeps it as the record
# of what was taken back.
REWARDED_STATUSES = (OrderStatus.APPROVED, OrderStatus.REVERSED)


class Order(models.Model):
    """A client's application for a bank product, brought in by a partner.

    It is a `draft` while the partner prepares it (invisible to banks), then `new` once the
    client (through the referral link) or the partner (confirming the draft) submits it, which
    `channel` keeps, so that statistics can relate link applications to link clicks; the
    bank moves it to `viewed`, then `approved` or `rejected`; an approval may still be
    `reversed` by the bank within `COMMISSION_REVERSAL_DAYS` (`decided_at` stays the moment of
    the approval, the history has the reversal's). The product's
    `percent_user` is copied at submission so that a later change of the bank's terms does not
    change what the partner was promised; `reward` is computed once, on approval.

    The constraints keep every row coherent whatever writes it: a submitted application has
    all its client fields and its percent, and only an approved (or reversed) one has a reward.
    """

    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="orders")
    bank = models.ForeignKey(
        "catalog.Bank",
        on_delete=models.PROTECT,
        related_name="orders",
        help_text="The bank the application was sent to: its product's bank when it was made",
    )
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.NEW)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.LINK)
    income = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    email_client = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    percent_user = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The product's partner percent when the application was submitted",
    )
    reward = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="orders_order_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(income__isnull=True) | Q(income__gt=0),
                name="orders_order_income_positive",
            ),
            models.CheckConstraint(
                condition=Q(status=OrderStatus.DRAFT)
                | (
                    Q(income__isnull=False, percent_user__isnull=False, submitted_at__isnull=False)
                    & ~Q(email_client="")
                    & ~Q(phone="")
                ),
                name="orders_order_submitted_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(status__in=REWARDED_STATUSES, reward__isnull=False)
                | (~Q(status__in=REWARDED_STATUSES) & Q(reward__isnull=True)),
                name="orders_order_reward_iff_approved",
            ),
        ]
        indexes = [
            # The partner's list: newest first.
            models.Index(fields=["partner", "-created_at", "-id"], name="orders_partner_created"),
            # The partner's drafts, counted beside its statistics totals for the list's count.
            models.Index(
                fields=["partner"],
                condition=Q(status=OrderStatus.DRAFT),
                name="orders_partner_drafts",
            ),
            # The bank's list and its `?since=` polling: submitted, oldest first.
            models.Index(
                fields=["bank", "submitted_at", "id"],
                condition=~Q(status=OrderStatus.DRAFT),
                name="orders_bank_submitted",
            ),
            # The profile's most recent approvals.
            models.Index(
                fields=["partner", "-decided_at", "-id"],
                condition=Q(status=OrderStatus.APPROVED),
                name="orders_partner_approved",
            ),
            # The duplicate rule: the same phone, or e-mail in any case, for a product in 24 h.
            models.Index(
                fields=["product", "phone", "submitted_at"],
                condition=~Q(status=OrderStatus.DRAFT),
                name="orders_duplicate_phone",
            ),
            models.Index(
                "product",
                Lower("email_client"),
                "submitted_at",
                condition=~Q(status=OrderStatus.DRAFT),
                name="orders_duplicate_email",
            ),
            models.Index(fields=["status", "submitted_at"], name="orders_status_submitted"),
        ]

    def __str__(self) -> str:
        return f"application #{self.pk} ({self.status})"

    @property
    def view(self) -> bool:
        """The seed's flag: the bank has seen it (true from `viewed` on)."""
        return STATUS_RANK[self.status] >= STATUS_RANK[OrderStatus.VIEWED]

    @property
    def approval(self) -> bool:
        """The seed's flag: true exactly when approved."""
        return self.status == OrderStatus.APPROVED


class OrderStatusChange(models.Model):
    """One step of an application's history: who moved it where, when, and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=10, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=OrderStatus.choices)
    source = models.CharField(max_length=10, choices=ChangeSource.choices)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status} by {self.source}"


class ReferralClick(models.Model):
    """A visit to a partner's referral link for a product, counted for its statistics.

    No address or browser details are kept: the count is all the statistics need.
    """

    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_clicks"
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="referral_clicks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("click")
        verbose_name_plural = _("clicks")
        indexes = [models.Index(fields=["partner", "created_at"], name="orders_click_partner")]

    def __str__(self) -> str:
        return f"click {self.partner_id}/{self.product_id}"


class PartnerProductDay(models.Model):
    """A partner's funnel for one product on one day (UTC), kept by the database itself.

    Triggers on `orders_order` and `orders_referralclick` (migration 0005) add each row's
    contribution when it is written and take it back when it changes or goes, in the same
    transaction, whoever writes (the services, the admin, a factory, a bulk load): so
    `/api/stats/` sums days instead of every click and application. An application counts on
    the day it was created, as the statistics' date range does; a draft counts only once it is
    submitted; `reward` sums approved applications only (a reversed one is no longer earned).
    """

    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    clicks = models.IntegerField(default=0)
    orders = models.IntegerField(default=0)
    link_orders = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    reversed = models.IntegerField(default=0)
    reward = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("day of statistics")
        verbose_name_plural = _("days of statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "day", "product"], name="orders_partnerproductday_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}/{self.product_id} {self.day}"


class PartnerProductTotal(models.Model):
    """A partner's funnel for one product over all time, kept by the database itself.

    The all-time twin of `PartnerProductDay`: triggers on `orders_order` and
    `orders_referralclick` (migration 0006) add each row's contribution and take it back, in
    the same transaction as the write, whoever writes. The profile's "Earnings" and
    `/api/stats/` without a date range read these rows, one per product the partner has
    touched, so their cost does not grow with the partner's history. `reward` and `income`
    sum the approved applications only.
    """

    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    clicks = models.IntegerField(default=0)
    orders = models.IntegerField(default=0)
    link_orders = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    reversed = models.IntegerField(default=0)
    reward = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    income = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("statistics total")
        verbose_name_plural = _("statistics totals")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "product"], name="orders_partnerproducttotal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}/{self.product_id}"


class BankProductTotal(models.Model):
    """The number of a bank's submitted applications for one product, kept by the database.

    Triggers on `orders_order` (migration 0008) count every row that is not a draft, under
    the application's own `bank` and `product`, in the transaction of the write, whoever
    writes. The bank's list counts its whole list from these rows, one per product, instead of
    counting the applications. Kept per product, not per bank, so that the rows an application
    updates are its product's (an application already holds its product's row lock): a single
    row per bank would make every application to the bank wait for the one before it.
    """

    bank = models.ForeignKey(
        "catalog.Bank", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    orders = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("bank's applications total")
        verbose_name_plural = _("bank's applications totals")
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "product"], name="orders_bankproducttotal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bank_id}/{self.product_id}"
