import django_filters
from django_filters.constants import EMPTY_VALUES

from catalog.models import Product


class StableOrderingFilter(django_filters.OrderingFilter):
    """`?ordering=` with the id as the last key: rows that tie (same name, same percent) keep
    one order from page to page, so paging neither repeats nor skips them."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.order_by(*(self.get_ordering_value(param) for param in value), "id")


class ProductFilter(django_filters.FilterSet):
    """`?category=`, `?bank=` (ids), `?search=` (in the name), `?ordering=`."""

    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("percent_user", "percent_user")),
    )

    class Meta:
        model = Product
        fields = ["category", "bank"]
