import django_filters
from django import forms

from orders.models import Order, OrderStatus

DATE_HELP = "ISO 8601 date or date-time (a time without offset is UTC)"


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number that fits the id column (a larger one would reach SQLite as an
    overflowing integer, a 500, instead of a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class CreatedRangeFilter(django_filters.FilterSet):
    """`?created_after=` (at or after) and `?created_before=` (strictly before): a half-open
    range, so `created_after=2026-11-01&created_before=2026-12-01` is exactly November."""

    created_after = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text=DATE_HELP
    )
    created_before = django_filters.IsoDateTimeFilter(
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
    since = django_filters.IsoDateTimeFilter(
        field_name="submitted_at",
        lookup_expr="gte",
        help_text="Applications submitted (sent to the bank) at or after this moment. " + DATE_HELP,
    )

    class Meta:
        model = Order
        fields = ["status", "since"]
