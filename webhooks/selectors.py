"""Reads of the webhooks: a caller's own endpoint and its delivery log, nothing of another's."""

from django.db.models import QuerySet

from core.models import EventAudience
from webhooks.models import DeliveryAttempt, Endpoint


def owner_lookup(*, audience: str, owner) -> dict:
    """The endpoint's field that names `owner`, a bank or a partner, as filter arguments."""
    return {"bank": owner} if audience == EventAudience.BANK else {"partner": owner}


def endpoint_of(*, audience: str, owner) -> Endpoint | None:
    """The bank's or the partner's endpoint, or None."""
    return Endpoint.objects.filter(**owner_lookup(audience=audience, owner=owner)).first()


def attempts_of(*, audience: str, owner) -> QuerySet[DeliveryAttempt]:
    """The owner's delivery attempts, newest first (one range of the endpoint's index)."""
    endpoints = Endpoint.objects.filter(**owner_lookup(audience=audience, owner=owner))
    return (
        DeliveryAttempt.objects.filter(endpoint_id__in=endpoints.values("pk"))
        .select_related("delivery__event")
        .order_by("-attempted_at", "-id")
    )
