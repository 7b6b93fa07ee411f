"""The ledger's events (SPEC §11), recorded in the transaction that writes the money.

Each goes to the partner whose money it is, in the shape of its own API
(`GET /api/commissions/`, `GET /api/payouts/`).
"""

from django.utils import timezone

from core.models import EventAudience
from core.outbox import NewEvent, event_record
from payouts.models import Commission, Payout
from payouts.serializers import CommissionSerializer, PayoutSerializer


def commissions_created(*, commissions: list[Commission]) -> None:
    """Sales, referral bonuses and clawbacks: one event each, to its partner."""
    now = timezone.now()
    for commission in commissions:
        commission.current_status = commission.status_at(now)
    if commissions:
        event_record(
            *(
                NewEvent(
                    type="commission.created",
                    audience=EventAudience.PARTNER,
                    owner_id=commission.partner_id,
                    data=CommissionSerializer(commission).data,
                )
                for commission in commissions
            )
        )


def _payout_event(event_type: str, payout: Payout) -> None:
    event_record(
        NewEvent(
            type=event_type,
            audience=EventAudience.PARTNER,
            owner_id=payout.partner_id,
            data=PayoutSerializer(payout).data,
        )
    )


def payout_requested(*, payout: Payout) -> None:
    _payout_event("payout.requested", payout)


def payout_paid(*, payout: Payout) -> None:
    _payout_event("payout.paid", payout)
