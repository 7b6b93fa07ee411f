from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny

from catalog import selectors
from catalog.filters import ProductFilter
from catalog.models import Product
from catalog.serializers import BankSerializer, CategorySerializer, ProductItemSerializer


class BankListView(generics.ListAPIView):
    """Active banks, for example for the registration form."""

    serializer_class = BankSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_queryset(self):
        return selectors.banks_active()


class CategoryListView(generics.ListAPIView):
    """Active product categories."""

    serializer_class = CategorySerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_queryset(self):
        return selectors.categories_active()


# The columns a product item shows: fetching only these skips the timestamps and token fields
# whose conversion was a third of a list request's time.
PRODUCT_ITEM_COLUMNS = (
    "id",
    "name",
    "description",
    "percent_user",
    "percent_bank",
    "bank__id",
    "bank__name",
    "category__id",
    "category__name",
)


@extend_schema(tags=["products"])
class ProductListView(generics.ListAPIView):
    """Products this partner may sell, each with its referral link."""

    serializer_class = ProductItemSerializer
    filterset_class = ProductFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        return selectors.products_available_to(partner=self.request.user).only(
            *PRODUCT_ITEM_COLUMNS
        )


@extend_schema(tags=["products"])
class ProductDetailView(generics.RetrieveAPIView):
    """One product this partner may sell; 404 when it may not."""

    serializer_class = ProductItemSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        return selectors.products_available_to(partner=self.request.user).only(
            *PRODUCT_ITEM_COLUMNS
        )
