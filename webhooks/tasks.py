"""The webhooks' Celery tasks (`core.tasks` says where they run).

Short retry delays (up to ten minutes) are handed to the broker as countdowns; longer ones
wait in the database for the sweep, which also runs the short ones a lost task left behind
(a broker's visibility timeout makes hours-long countdowns unreliable). An attempt's claim makes
a delivery handed on twice still go once.
"""

from celery import shared_task
from django.conf import settings

from core.tasks import run
from webhooks import services

SWEEP_BATCH = 100  # events a message of the sweep hands on


def _attempt(delivery_id: int) -> None:
    delay = services.delivery_attempt(
        delivery_id=delivery_id, schedule=settings.WEBHOOK_RETRY_SCHEDULE
    )
    if delay is not None and delay <= services.COUNTDOWN_SECONDS:
        run(delivery_attempt, delivery_id, countdown=delay)


@shared_task(name="webhooks.tasks.event_fan_out", soft_time_limit=120, time_limit=150)
def event_fan_out(event_id: int) -> None:
    """A committed event: its deliveries created, and each attempted at once."""
    for delivery_id in services.event_fan_out(event_id=event_id):
        _attempt(delivery_id)


@shared_task(name="webhooks.tasks.events_fan_out", soft_time_limit=120, time_limit=150)
def events_fan_out(event_ids: list[int]) -> None:
    """Events handed on together (those of one change, or a batch of the sweep's), in one
    message: each fanned out in turn, as `event_fan_out` does."""
    for event_id in event_ids:
        event_fan_out(event_id)


@shared_task(name="webhooks.tasks.delivery_attempt", soft_time_limit=60, time_limit=90)
def delivery_attempt(delivery_id: int) -> None:
    _attempt(delivery_id)


@shared_task(name="webhooks.tasks.sweep", soft_time_limit=60, time_limit=90)
def sweep() -> None:
    """Every `WEBHOOK_SWEEP_SECONDS`: events never handed on, attempts that are due, and the
    events past their retention."""
    services.events_purge()
    events, deliveries = services.deliveries_due()
    for start in range(0, len(events), SWEEP_BATCH):
        run(events_fan_out, events[start : start + SWEEP_BATCH])
    for delivery_id in deliveries:
        run(delivery_attempt, delivery_id)
