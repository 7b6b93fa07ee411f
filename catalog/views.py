from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import selectors
from catalog.authentication import BankTokenAuthentication, IsBank
from catalog.filters import ProductFilter
from catalog.importing import catalog_import
from catalog.models import Product
from catalog.serializers import (
    BankSerializer,
    CatalogImportRequestSerializer,
    CatalogImportSummarySerializer,
    CategorySerializer,
    ProductItemSerializer,
)
from core.parsers import ApplicationYAMLBytesParser, TextYAMLBytesParser, YAMLBytesParser


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


NO_CATALOGUE = "No catalogue: send the YAML as the body or as the multipart field `file`."


@extend_schema(tags=["bank"])
class BankCatalogImportView(APIView):
    """A bank uploads its whole catalogue; products missing from it are deactivated.

    The YAML comes as the body (`application/x-yaml`, `application/yaml` or `text/yaml`) or as
    the multipart field `file`. Anything else is a 415; a body over 1 MiB a 413 (before it is read).
    """

    authentication_classes = [BankTokenAuthentication]
    permission_classes = [IsBank]
    parser_classes = [
        YAMLBytesParser,
        ApplicationYAMLBytesParser,
        TextYAMLBytesParser,
        MultiPartParser,
    ]

    @extend_schema(
        request={
            "application/x-yaml": {"type": "string", "format": "binary"},
            "application/yaml": {"type": "string", "format": "binary"},
            "text/yaml": {"type": "string", "format": "binary"},
            "multipart/form-data": CatalogImportRequestSerializer,
        },
        responses={200: CatalogImportSummarySerializer},
        summary="Import the bank's catalogue (YAML)",
    )
    def post(self, request):
        if isinstance(request.data, bytes):
            source = request.data
        else:
            upload = request.data.get("file")
            if upload is None or not hasattr(upload, "read"):
                raise ValidationError({"file": [NO_CATALOGUE]})
            source = upload.read()
        summary = catalog_import(source=source, bank=request.auth)
        return Response(summary.as_dict())
