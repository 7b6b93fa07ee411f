import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """A fixed-window counter shared by every worker process when no Redis is configured.

    Throttles and one-time-code limits must hold across processes and under bursts, so they
    count in one shared, atomically updated place: Redis when `REDIS_URL` is set, else these
    rows, which are incremented with a row lock (`UPDATE ... SET count = count + 1`).
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.count}"


class EventAudience(models.TextChoices):
    BANK = "bank", _("bank")
    PARTNER = "partner", _("partner")


class Event(models.Model):
    """A business event, written in the same transaction as the change it records (the
    transactional outbox of SPEC §11): if the change committed, so did its event.

    One row per receiver: an application submitted is one event for its bank, in the bank's
    shape, and one for its partner, in the partner's; `owner_id` is that bank's or partner's id
    (kept without a foreign key: `core` sits below the apps that own banks and partners).
    `data` is the object as the owner's own API shows it, when the event happened. `uid` is the
    `webhook-id` of every delivery of it, retries included, so receivers can deduplicate.
    `dispatched_at` is set once its deliveries are created; the sweep hands on what a crash
    between the commit and the hand-over left without it (`handed_on_at`: when it last did).
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=40)
    audience = models.CharField(max_length=10, choices=EventAudience.choices)
    owner_id = models.PositiveBigIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    handed_on_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="core_event_undispatched",
            ),
            models.Index(fields=["audience", "owner_id", "-created_at"], name="core_event_owner"),
            models.Index(fields=["created_at"], name="core_event_created"),  # the purge
        ]

    def __str__(self) -> str:
        return f"{self.type} for {self.audience} #{self.owner_id}"

    @property
    def webhook_id(self) -> str:
        return f"evt_{self.uid.hex}"
