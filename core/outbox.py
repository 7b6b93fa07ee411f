"""The transactional outbox (SPEC §11): business events written beside the change itself.

Each app records its events with `event_record` inside the transaction of the change, with
the object as the receiver's own API shows it; the rows commit or roll back with the change.
After the commit they are handed to the webhooks' fan-out (`core.tasks`); a crash between the
commit and that hand-over loses nothing, because the sweep hands on every event still without
`dispatched_at`.
"""

import json
from dataclasses import dataclass

from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from core.models import Event, EventAudience
from core.tasks import dispatch_events_after_commit

#: Every event type, with who may receive it (SPEC §11).
BANK_EVENT_TYPES = ("application.submitted", "application.decided", "catalog.imported")
PARTNER_EVENT_TYPES = (
    "application.submitted",
    "application.decided",
    "commission.created",
    "payout.requested",
    "payout.paid",
)
EVENT_TYPES = {EventAudience.BANK: BANK_EVENT_TYPES, EventAudience.PARTNER: PARTNER_EVENT_TYPES}


@dataclass(frozen=True)
class NewEvent:
    """One event to record: its type, its receiver and its `data`."""

    type: str
    audience: str
    owner_id: int
    data: dict


def _as_json(data: dict) -> dict:
    """`data` as the API's JSON renders it (DRF's encoder: decimals without coercion are
    numbers), so what a receiver gets is what the same object's endpoint answers."""
    return json.loads(json.dumps(data, cls=JSONEncoder))


def event_record(*events: NewEvent) -> list[Event]:
    """Write `events` in the current transaction (one INSERT) and hand them on after it commits.

    Call it inside the change's `transaction.atomic()`: outside one the events commit alone.
    """
    for event in events:
        if event.type not in EVENT_TYPES[event.audience]:
            raise ValueError(f"{event.type!r} is not an event of a {event.audience}")
    now = timezone.now()
    rows = Event.objects.bulk_create(
        Event(
            type=event.type,
            audience=event.audience,
            owner_id=event.owner_id,
            data=_as_json(event.data),
            created_at=now,
        )
        for event in events
    )
    dispatch_events_after_commit([row.pk for row in rows])
    return rows
