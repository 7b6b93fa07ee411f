import django_filters

from orders.filters import CreatedRangeFilter
from payouts.models import Commission, CommissionKind, CommissionStatus


class CommissionFilter(CreatedRangeFilter):
    """The partner's commissions: `?status=` (as shown: pending or available by
    `available_at`), `?kind=` and the creation range."""

    status = django_filters.ChoiceFilter(choices=CommissionStatus.choices, method="filter_status")
    kind = django_filters.ChoiceFilter(choices=CommissionKind.choices)

    class Meta:
        model = Commission
        fields = ["status", "kind", "created_after", "created_before"]

    def filter_status(self, queryset, name, value):
        return queryset.in_status(value)
