"""Who receives the events (`Endpoint`), and each event's delivery to it, attempt by attempt."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Endpoint(models.Model):
    """A bank's or a partner's webhook: where its events are POSTed, and which of them.

    One per bank and one per partner (`PUT` replaces it). `events` lists the subscribed types
    (all of the owner's when created without a list). The signing secret is stored encrypted
    with a key from the settings (`webhooks.signing`): a copy of the database alone cannot
    sign a message.
    """

    bank = models.OneToOneField(
        "catalog.Bank", on_delete=models.CASCADE, null=True, blank=True, related_name="webhook"
    )
    partner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook",
    )
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)
    secret_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(bank__isnull=True, partner__isnull=False)
                | Q(bank__isnull=False, partner__isnull=True),
                name="webhooks_endpoint_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} -> {self.url}"

    def receives(self, event_type: str) -> bool:
        return isinstance(self.events, list) and event_type in self.events

    @property
    def owner(self):
        return self.bank if self.bank_id else self.partner


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    """One event on its way to one endpoint: at least once, on the retry schedule.

    `next_attempt_at` is when the next attempt is due while `pending`; an attempt claims the
    delivery by moving it forward (a lease, whose value is the claim's token): another caller
    finds it not due, and the attempt writes its result only if the token is still there. A
    worker that dies mid-attempt leaves it to the sweep once the lease ends. `handed_on_at`:
    when a task was last sent for it (by the sweep, or as a retry's countdown), so the sweep
    does not queue it again meanwhile.
    """

    event = models.ForeignKey("core.Event", on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    handed_on_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhooks_delivery_once"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhooks_delivery_status"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhooks_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.type} to {self.endpoint.url} ({self.status})"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: what the receiver answered (or why nothing was sent), and
    when the next attempt was then scheduled. The log the deliveries endpoint shows."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    attempted_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-attempted_at", "-id"]
        indexes = [
            models.Index(
                fields=["endpoint", "-attempted_at", "-id"], name="webhooks_attempt_endpoint"
            ),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery #{self.delivery_id}"
