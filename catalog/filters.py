import django_filters

from catalog.models import Product


class ProductFilter(django_filters.FilterSet):
    """`?category=`, `?bank=` (ids), `?search=` (in the name), `?ordering=`."""

    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("percent_user", "percent_user")),
    )

    class Meta:
        model = Product
        fields = ["category", "bank"]
