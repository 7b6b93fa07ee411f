"""Money and moments written as DRF's fields write them, for the answers built by hand.

The lists build their items directly (DRF's generic nested serialization cost more than the
database on a page of 50), and these helpers give the same text as `DecimalField` and
`DateTimeField` without their per-call work: a money amount the database gave is already
quantized, and the current time zone, an asgiref `Local` read of 3 µs, is looked up once for
a page (`PageSerializer`) instead of once for each of its moments.
"""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

_MOMENT = serializers.DateTimeField()
_MONEY = {
    digits: serializers.DecimalField(max_digits=digits, decimal_places=2) for digits in (12, 14)
}


def money(value, *, max_digits: int = 12):
    """`DecimalField(max_digits, decimal_places=2).to_representation(value)`."""
    if value is None:
        return None
    if type(value) is Decimal:
        _, digits, exponent = value.as_tuple()
        if exponent == -2 and len(digits) <= max_digits:  # quantizing would change nothing
            return format(value, "f")
    return _MONEY[max_digits].to_representation(value)


def moments(zone, *values) -> list:
    """`[DateTimeField().to_representation(value) for value in values]` for a list item, in
    `zone` (the current time zone, or None to look it up): the aware datetimes the database
    returns are written directly (ISO 8601, `Z` for UTC); anything else goes to the field."""
    if not settings.USE_TZ or api_settings.DATETIME_FORMAT != ISO_8601:
        return [None if value is None else _MOMENT.to_representation(value) for value in values]
    written = []
    for value in values:
        if value is None:
            written.append(None)
        elif value.tzinfo is None:
            written.append(_MOMENT.to_representation(value))
        else:
            text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
            written.append(text[:-6] + "Z" if text.endswith("+00:00") else text)
    return written


def moment(value, zone=None):
    return moments(zone, value)[0]


class PageSerializer(serializers.ListSerializer):
    """`many=True` of an item serializer (`Meta.list_serializer_class`) that writes its moments
    in `self.zone` (a `PageItem`): the page looks the time zone up once for all its items."""

    def to_representation(self, data):
        self.child.zone = timezone.get_current_timezone()
        try:
            return super().to_representation(data)
        finally:
            self.child.zone = None


class PageItem:
    """A mixin of an item serializer built by hand: `zone` is its page's time zone, or None
    (`moments` looks it up) when the item is serialized on its own."""

    zone = None
