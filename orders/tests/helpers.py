"""What the application tests share: URLs, a valid client form, the database's state."""

from datetime import UTC, datetime

from orders.models import Order, OrderStatusChange, ReferralClick

ORDERS = "/api/orders/"


def link(username: str, product_id: int) -> str:
    return f"/api/order/ref/{username}/{product_id}/"


def detail(order_id: int) -> str:
    return f"{ORDERS}{order_id}/"


def confirm(order_id: int) -> str:
    return f"{ORDERS}{order_id}/confirm/"


def form(**overrides) -> dict:
    """A client's complete, valid application form."""
    return {
        "income": "20.00",
        "email_client": "client@example.com",
        "phone": "+79991234567",
        **overrides,
    }


def snapshot() -> tuple[list, list, list]:
    """Every application, history row and click, to show that a refused request changed nothing."""
    return (
        list(Order.objects.order_by("id").values()),
        list(OrderStatusChange.objects.order_by("id").values()),
        list(ReferralClick.objects.order_by("id").values()),
    )


def moment(text: str) -> datetime:
    """An API datetime: ISO 8601 with an offset."""
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None, text
    return value


def at(day: int, hour: int = 0) -> datetime:
    """A fixed moment in March 2026 (UTC), for tests of date ranges."""
    return datetime(2026, 3, day, hour, tzinfo=UTC)
