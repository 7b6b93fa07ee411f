"""Writes of the webhooks: subscriptions, and the delivery of each event, at least once.

An event's way out: `event_fan_out` (run after its commit, or by the sweep) creates one
`Delivery` per endpoint of its owner subscribed to its type and marks the event dispatched;
`delivery_attempt` claims a due delivery, POSTs it (Standard Webhooks headers, signed with the
endpoint's secret) and records the attempt, scheduling the next one on `WEBHOOK_RETRY_SCHEDULE`
(with jitter) until a 2xx, or marking it failed after the last. `deliveries_sweep` hands on
what a crash, a lost task or a long delay left behind.
"""

import json
import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework import serializers

from core.models import Event, EventAudience
from core.outbox import EVENT_TYPES
from webhooks import signing, transport
from webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Endpoint
from webhooks.selectors import owner_lookup

logger = logging.getLogger(__name__)

#: How long an attempt holds its claim: past the receiver's deadline and the tasks' time
#: limits, so only a worker that died mid-attempt lets it go (to the sweep).
CLAIM_SECONDS = 120
#: Retries due within this many seconds are a countdown task; later ones wait for the sweep
#: (a broker's visibility timeout makes hours-long countdowns unreliable).
COUNTDOWN_SECONDS = 600
#: How long the sweep leaves alone what it handed on (a task on its way), before again.
HAND_OVER_SECONDS = 120
SWEEP_BATCH = 500
UNSUBSCRIBED = "The endpoint no longer subscribes to this type: not sent."
_MOMENT = serializers.DateTimeField()  # moments written as the API writes them


# --- Subscriptions --------------------------------------------------------------------------


def endpoint_put(*, audience: str, owner, url: str, events: list[str] | None):
    """Subscribe `owner` (a bank or a partner), or change its subscription.

    Returns the endpoint and its secret when it was created now (the one moment it is shown);
    None for an existing endpoint, whose secret stays. Without `events`, every event type of
    the owner's kind.
    """
    events = list(events) if events is not None else list(EVENT_TYPES[audience])
    owner_filter = owner_lookup(audience=audience, owner=owner)
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().filter(**owner_filter).first()
        if endpoint is not None:
            endpoint.url = url
            endpoint.events = events
            endpoint.save(update_fields=["url", "events", "updated_at"])
            return endpoint, None
        secret = signing.secret_new()
        try:
            with transaction.atomic():
                endpoint = Endpoint.objects.create(
                    **owner_filter,
                    url=url,
                    events=events,
                    secret_encrypted=signing.secret_encrypt(secret),
                )
        except IntegrityError:
            # A simultaneous PUT created it first: this one updates it.
            endpoint = Endpoint.objects.select_for_update().get(**owner_filter)
            endpoint.url = url
            endpoint.events = events
            endpoint.save(update_fields=["url", "events", "updated_at"])
            return endpoint, None
    return endpoint, secret


def endpoint_rotate_secret(*, endpoint: Endpoint) -> str:
    """A new secret, used from the next attempt on; the old one stops signing at once. Of two
    simultaneous rotations the second waits for the first, so each caller's secret is the one
    stored when its call returns."""
    secret = signing.secret_new()
    with transaction.atomic():
        Endpoint.objects.select_for_update().filter(pk=endpoint.pk).update(
            secret_encrypted=signing.secret_encrypt(secret), updated_at=timezone.now()
        )
    return secret


def endpoint_delete(*, endpoint: Endpoint) -> None:
    """Unsubscribe: the endpoint goes, with its pending deliveries and their log."""
    endpoint.delete()


# --- Delivery -------------------------------------------------------------------------------


def event_fan_out(*, event_id: int) -> list[int]:
    """The event's deliveries, created once (their unique constraint), and its dispatch mark.

    Returns the ids of the deliveries now due, for the caller to attempt.
    """
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return []
    # A deactivated bank or partner receives nothing, as its credentials stop working.
    owner = "bank" if event.audience == EventAudience.BANK else "partner"
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(
            **{f"{owner}_id": event.owner_id, f"{owner}__is_active": True}
        )
        if endpoint.receives(event.type)
    ]
    now = timezone.now()
    if not endpoints and event.dispatched_at is None:
        # The usual case of an owner without a webhook, on the event's first hand-over: no
        # delivery to create, and none made earlier to attempt (a fan-out running beside this
        # one attempts its own). One UPDATE instead of a transaction and a look-up.
        Event.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(dispatched_at=now)
        return []
    with transaction.atomic():
        Delivery.objects.bulk_create(
            [
                Delivery(event=event, endpoint=endpoint, next_attempt_at=now, created_at=now)
                for endpoint in endpoints
            ],
            ignore_conflicts=True,
        )
        Event.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(dispatched_at=now)
    return list(
        Delivery.objects.filter(
            event=event, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )


def _claim(delivery_id: int, *, now):
    """Take a due delivery for one attempt (an atomic conditional update). Returns the claim's
    token, its lease's end, which the attempt's result must still find, or None when another
    caller has it or it is not due."""
    lease = now + timedelta(seconds=CLAIM_SECONDS)
    taken = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=lease, handed_on_at=None)
    return lease if taken else None


def message_body(event: Event) -> str:
    """The Standard Webhooks payload: `{"type", "timestamp", "data"}`."""
    return json.dumps(
        {
            "type": event.type,
            "timestamp": _MOMENT.to_representation(event.created_at),
            "data": event.data,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def retry_delay(attempts: int, schedule: list[int]) -> float | None:
    """Seconds until the attempt after `attempts` failed ones (+-10 % jitter); None after the
    last of the schedule."""
    if attempts > len(schedule):
        return None
    base = schedule[attempts - 1]
    return base * random.uniform(0.9, 1.1)  # noqa: S311 (jitter, not a secret)


def _send(delivery: Delivery) -> transport.Outcome:
    """Sign and POST one delivery; whatever goes wrong is an outcome, never an exception."""
    event, endpoint = delivery.event, delivery.endpoint
    if not endpoint.receives(event.type):
        return transport.Outcome(None, UNSUBSCRIBED, 0)
    try:
        body = message_body(event)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "referral-platform-webhooks/1",
            **signing.signature_headers(
                secret=signing.secret_decrypt(endpoint.secret_encrypted),
                msg_id=event.webhook_id,
                timestamp=timezone.now(),
                body=body,
            ),
        }
        return transport.post(endpoint.url, body=body.encode(), headers=headers)
    except Exception as exc:  # a secret that no key decrypts, a time limit, a bug
        logger.exception("Webhook %s to endpoint #%s not sent", event.webhook_id, endpoint.pk)
        return transport.Outcome(None, f"Not sent: {type(exc).__name__}.", 0)


def delivery_attempt(*, delivery_id: int, schedule: list[int]) -> float | None:
    """One attempt of a due delivery, if this caller wins its claim.

    The result is written only while the claim still holds (its token unchanged): an attempt
    whose lease ran out, or that an admin's redelivery overtook, or whose endpoint was deleted
    meanwhile, leaves the delivery to whoever has it now. Returns the seconds until the next
    attempt when one was scheduled, else None.
    """
    now = timezone.now()
    lease = _claim(delivery_id, now=now)
    if lease is None:
        return None
    delivery = Delivery.objects.select_related("event", "endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        return None
    outcome = _send(delivery)
    finished = timezone.now()
    attempts = delivery.attempts + 1
    result = {
        "attempts": attempts,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "handed_on_at": None,
    }
    delay = None
    if outcome.delivered:
        result.update(status=DeliveryStatus.SUCCEEDED, delivered_at=finished, next_attempt_at=None)
    elif outcome.error == UNSUBSCRIBED or (delay := retry_delay(attempts, schedule)) is None:
        result.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    else:
        result["next_attempt_at"] = finished + timedelta(seconds=delay)
        if delay <= COUNTDOWN_SECONDS:
            # A countdown is on its way (the caller hands it on): the sweep leaves it alone.
            result["handed_on_at"] = result["next_attempt_at"]
    with transaction.atomic():
        written = Delivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at=lease
        ).update(**result)
        if not written:
            logger.info("Webhook delivery #%s: claim lost, result dropped", delivery_id)
            return None
        DeliveryAttempt.objects.create(
            delivery=delivery,
            endpoint=delivery.endpoint,
            number=attempts,
            status_code=outcome.status_code,
            error=outcome.error,
            attempted_at=now,
            duration_ms=outcome.duration_ms,
            delivered_at=result.get("delivered_at"),
            next_attempt_at=result["next_attempt_at"],
        )
    if not outcome.delivered:
        logger.info(
            "Webhook %s to endpoint #%s: attempt %s failed (%s)",
            delivery.event.webhook_id,
            delivery.endpoint_id,
            attempts,
            outcome.error,
        )
    return delay if result.get("status") is None else None


def deliveries_due(*, now=None) -> tuple[list[int], list[int]]:
    """What the sweep hands on, each stamped so that the next sweeps leave it alone for
    `HAND_OVER_SECONDS` (a task already queued for it is not queued again and again): events
    never dispatched (older than one sweep period, so as not to race their own hand-over), and
    deliveries whose next attempt is due."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=HAND_OVER_SECONDS)
    not_handed_on = Q(handed_on_at__isnull=True) | Q(handed_on_at__lt=stale)
    events = Event.objects.filter(
        not_handed_on,
        dispatched_at__isnull=True,
        created_at__lte=now - timedelta(seconds=settings.WEBHOOK_SWEEP_SECONDS),
    )
    deliveries = Delivery.objects.filter(
        not_handed_on, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    )
    taken = []
    for rows, order in ((events, "created_at"), (deliveries, "next_attempt_at")):
        ids = list(rows.order_by(order).values_list("pk", flat=True)[:SWEEP_BATCH])
        # Of two sweeps at once, each hands on what its own stamp took.
        rows.filter(pk__in=ids).update(handed_on_at=now)
        taken.append(
            list(
                rows.model.objects.filter(pk__in=ids, handed_on_at=now).values_list("pk", flat=True)
            )
        )
    return taken[0], taken[1]


def events_purge(*, now=None) -> int:
    """Forget events older than `EVENTS_RETENTION_DAYS` once nothing of them is pending (their
    deliveries and attempts go with them), a batch at a time: the outbox does not grow forever.
    """
    now = now or timezone.now()
    old = (
        Event.objects.filter(
            dispatched_at__isnull=False,
            created_at__lt=now - timedelta(days=settings.EVENTS_RETENTION_DAYS),
        )
        .exclude(deliveries__status=DeliveryStatus.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    ids = list(old)
    if not ids:
        return 0
    DeliveryAttempt.objects.filter(delivery__event_id__in=ids).delete()
    Delivery.objects.filter(event_id__in=ids).delete()
    Event.objects.filter(pk__in=ids).delete()
    return len(ids)


def delivery_redeliver(*, delivery: Delivery) -> None:
    """An admin sends it again now, with a fresh retry schedule (the log keeps the past). An
    attempt in flight loses its claim: its result is dropped."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        handed_on_at=None,
    )
