from datetime import UTC

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from orders.models import Order, OrderStatus

DATE_HELP = "ISO 8601 date or date-time (a time without offset is UTC)"


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(django_filters.NumberFilter):
    """An id: a whole number that fits the id column (a larger one would reach SQLite as an
    overflowing integer, a 500, instead of a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, converted to UTC as it is read.

    Python reads offsets up to ±23:59, PostgreSQL only up to ±15:59: `2026-01-01T00:00+20:00`
    passed on as it was answered a `time zone displacement out of range` 500. The same moment
    in UTC is always in range (`/api/stats/` has always converted its dates so); one that has
    no UTC form (`0001-01-01T00:00+10:00`) is a 400.
    """

    default_error_messages = {"out_of_range": "This moment is out of range."}

    def to_python(self, value):
        value = super().to_python(value)
        if value is None or value.tzinfo is None:
            return value
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["out_of_range"], code="out_of_range"
            ) from None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class CreatedRangeFilter(django_filters.FilterSet):
    """`?created_after=` (at or after) and `?created_before=` (strictly before): a half-open
    range, so `created_after=2026-11-01&created_before=2026-12-01` is exactly November."""

    created_after = UTCDateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text=DATE_HELP
    )
    created_before = UTCDateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text=DATE_HELP
    )


class PartnerOrderFilter(CreatedRangeFilter):
    """The partner's list: `?status=`, `?product=` (id) and the creation range."""

    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    product = IdFilter(field_name="product_id")

    class Meta:
        model = Order
        fields = ["status", "product", "created_after", "created_before"]


class BankOrderFilter(django_filters.FilterSet):
    """The bank's list: `?status=` and `?since=` (submitted at or after)."""

    status = django_filters.ChoiceFilter(
        choices=[choice for choice in OrderStatus.choices if choice[0] != OrderStatus.DRAFT]
    )
    since = UTCDateTimeFilter(
        field_name="submitted_at",
        lookup_expr="gte",
        help_text="Applications submitted (sent to the bank) at or after this moment. " + DATE_HELP,
    )

    class Meta:
        model = Order
        fields = ["status", "since"]
