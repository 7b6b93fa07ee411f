from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from rest_framework import serializers

from catalog.models import Bank, Category, Product


class BankSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bank
        fields = ["id", "name"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class ProductDataSerializer(serializers.ModelSerializer):
    percent_user = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    percent_bank = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    category = CategorySerializer()
    bank = BankSerializer()

    class Meta:
        model = Product
        fields = ["id", "name", "description", "percent_user", "percent_bank", "category", "bank"]


def _absolute(request, path: str) -> str:
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path)


def _absolute_of_ids(request, prefix: str) -> Callable[[int], str]:
    """`id -> _absolute(request, f"{prefix}{id}/")`, with the base worked out once.

    Django's `build_absolute_uri` puts the scheme and host in front of a path that starts with
    one `/` and holds no `/./` or `/../`; when `prefix` is such a path, `{id}/` (digits and a
    slash) keeps it one, so prepending the same base gives the same link. Any other prefix (a
    username of dots) goes through Django item by item.
    """
    if settings.PUBLIC_BASE_URL:
        base = settings.PUBLIC_BASE_URL + prefix
        return lambda product_id: f"{base}{product_id}/"
    if prefix.startswith("/") and not prefix.startswith("//") and "/." not in prefix:
        base = request.build_absolute_uri("/")[:-1] + prefix
        return lambda product_id: f"{base}{product_id}/"
    return lambda product_id: request.build_absolute_uri(f"{prefix}{product_id}/")


def _link_prefix(username: str) -> str:
    return f"/api/order/ref/{quote(username, safe='')}/"


def _page_prefix(username: str) -> str:
    return f"/r/{quote(username, safe='')}/"


def referral_link(request, *, username: str, product_id: int) -> str:
    """The absolute public link a partner shares for one product (the seed's JSON endpoint)."""
    return _absolute(request, f"{_link_prefix(username)}{product_id}/")


def referral_page(request, *, username: str, product_id: int) -> str:
    """The absolute URL of the same link's page for people (SPEC §9, app `pages`)."""
    return _absolute(request, f"{_page_prefix(username)}{product_id}/")


def product_data(product: Product) -> dict:
    """The `data` of a product item: the same for every partner, so it can be cached."""
    return {
        "id": product.pk,
        "name": product.name,
        "description": product.description,
        "percent_user": product.percent_user,
        "percent_bank": product.percent_bank,
        "category": {"id": product.category_id, "name": product.category.name},
        "bank": {"id": product.bank_id, "name": product.bank.name},
    }


def product_items(request, rows: list[dict]) -> list[dict]:
    """Product items of the signed-in partner from `product_data` rows: its own links added."""
    username = request.user.username
    link = _absolute_of_ids(request, _link_prefix(username))
    page = _absolute_of_ids(request, _page_prefix(username))
    return [{"ref": link(row["id"]), "page": page(row["id"]), "data": row} for row in rows]


class ProductItemSerializer(serializers.Serializer):
    """The seed's item: the partner's referral link and the product's data.

    The fields describe the shape for the schema; `to_representation` builds the same dict
    directly, because DRF's generic nested serialization cost more than the database did on
    a page of products (see bench/).
    """

    # The views build their items with `product_items` from cached `product_data` rows; a test
    # (catalog/tests/test_catalogue_cache.py) holds both to this serializer's output.

    ref = serializers.URLField(read_only=True, help_text="The referral link's JSON endpoint")
    page = serializers.URLField(
        read_only=True, help_text="The same link's page, where a client applies in a browser"
    )
    data = ProductDataSerializer(source="*", read_only=True)

    def to_representation(self, product: Product) -> dict:
        request = self.context["request"]
        username = request.user.username
        return {
            "ref": referral_link(request, username=username, product_id=product.pk),
            "page": referral_page(request, username=username, product_id=product.pk),
            "data": product_data(product),
        }


class CatalogImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The catalogue YAML (multipart form)")


class CatalogImportCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class CatalogImportProductCountsSerializer(CatalogImportCountsSerializer):
    deactivated = serializers.IntegerField()


class CatalogImportSummarySerializer(serializers.Serializer):
    categories = CatalogImportCountsSerializer()
    products = CatalogImportProductCountsSerializer()
