"""Reads of the webhooks: a caller's own endpoint and its delivery log, nothing of another's."""

from django.db.models import QuerySet

from core.models import EventAudience
from webhooks.models import DeliveryAttempt, Endpoint


def endpoint_of(*, audience: str, owner) -> Endpoint | None:
    """The bank's or the partner's endpoint, or None."""
    owner_filter = {"bank": owner} if audience == EventAudience.BANK else {"partner": owner}
    return Endpoint.objects.filter(**owner_filter).first()


def attempts_of(*, audience: str, owner) -> QuerySet[DeliveryAttempt]:
    """The owner's delivery attempts, newest first (one range of the endpoint's index)."""
    owner_filter = {"bank": owner} if audience == EventAudience.BANK else {"partner": owner}
    return (
        DeliveryAttempt.objects.filter(
            endpoint_id__in=Endpoint.objects.filter(**owner_filter).values("pk")
        )
        .select_related("delivery__event")
        .order_by("-attempted_at", "-id")
    )
