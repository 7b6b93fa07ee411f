"""The applications' events (SPEC §11), recorded in the transaction of the change.

Each goes to the application's bank in the bank's shape (`GET /api/bank/orders/`) and to its
partner in the partner's (`GET /api/orders/`): neither sees the other's fields.
"""

from core.models import EventAudience
from core.outbox import NewEvent, event_record
from orders.models import Order
from orders.serializers import BankOrderSerializer, PartnerOrderSerializer


def _for_bank_and_partner(event_type: str, order: Order) -> None:
    event_record(
        NewEvent(
            type=event_type,
            audience=EventAudience.BANK,
            owner_id=order.bank_id,
            data=BankOrderSerializer(order).data,
        ),
        NewEvent(
            type=event_type,
            audience=EventAudience.PARTNER,
            owner_id=order.partner_id,
            data=PartnerOrderSerializer(order).data,
        ),
    )


def application_submitted(*, order: Order) -> None:
    """A client applied through a link, or a partner confirmed a draft: now `new`."""
    _for_bank_and_partner("application.submitted", order)


def application_decided(*, order: Order) -> None:
    """The application became `viewed`, `approved`, `rejected` or `reversed`."""
    _for_bank_and_partner("application.decided", order)
