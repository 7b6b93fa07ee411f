"""The catalogue's API: public lists of banks and categories, the products a partner may
sell, and a bank's catalogue upload. Each view validates, calls one selector or service and
serializes; authentication, permissions and throttles come from its base (`core.api`,
`catalog.api`)."""

import hashlib

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import selectors
from catalog.api import BankEndpoint
from catalog.filters import ProductFilter
from catalog.importing import catalog_import
from catalog.models import CATALOGUE_CACHE, Bank, Category, Product
from catalog.serializers import (
    BankSerializer,
    CatalogImportRequestSerializer,
    CatalogImportSummarySerializer,
    CategorySerializer,
    ProductItemSerializer,
    product_data,
    product_items,
)
from core.api import PartnerEndpoint, PublicEndpoint
from core.cache import cached
from core.parsers import ApplicationYAMLBytesParser, TextYAMLBytesParser, YAMLBytesParser


class BankListView(PublicEndpoint, generics.ListAPIView):
    """Active banks, for example for the registration form."""

    model = Bank
    serializer_class = BankSerializer

    def scoped_queryset(self):
        return selectors.banks_active()


class CategoryListView(PublicEndpoint, generics.ListAPIView):
    """Active product categories."""

    model = Category
    serializer_class = CategorySerializer

    def scoped_queryset(self):
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


# The query parameters a cached catalogue page may carry (anything else, the page is built
# without the cache: nobody fills the cache with keys of made-up parameters).
CATALOGUE_QUERY_PARAMS = frozenset(
    {"category", "bank", "search", "ordering", "page", "page_size", "lang"}
)
CATALOGUE_QUERY_MAX_LENGTH = 512


# The products this partner may sell, as their items show them. (A comment, not a docstring:
# drf-spectacular would show it as the description of a view without its own.) Both views keep
# what every partner of one bank scope sees alike, the `data` of the items (and a list's page
# around them), in the shared cache under the catalogue's generation, which every write to a
# bank, a category or a product renews (`catalog.models.CATALOGUE_CACHE`); each request adds
# the partner's own links (`product_items`). Errors (400, 404) are not kept.
class PartnerProductEndpoint(PartnerEndpoint):
    model = Product
    serializer_class = ProductItemSerializer

    def scoped_queryset(self):
        return selectors.products_available_to(partner=self.request.user).only(
            *PRODUCT_ITEM_COLUMNS
        )

    def catalogue_key(self, *parts) -> str:
        """What the cached answer depends on: the partner's bank scope, the scheme and host
        its links are built on (a page's `next` and `previous` are absolute), and `parts`."""
        request = self.request
        scope = request.user.bank_id or "all"
        source = "|".join(map(str, (scope, request.scheme, request.get_host(), *parts)))
        return hashlib.sha256(source.encode()).hexdigest()[:40]


@extend_schema(tags=["products"])
class ProductListView(PartnerProductEndpoint, generics.ListAPIView):
    """Products this partner may sell, each with its referral link."""

    filterset_class = ProductFilter

    def list(self, request, *args, **kwargs):
        query = request.META.get("QUERY_STRING", "")
        if (
            set(request.query_params) <= CATALOGUE_QUERY_PARAMS
            and len(query) <= CATALOGUE_QUERY_MAX_LENGTH
        ):
            page = cached(
                CATALOGUE_CACHE, self.page_of_rows, part=self.catalogue_key("list", query)
            )
        else:
            page = self.page_of_rows()
        return Response({**page, "results": product_items(request, page["results"])})

    def page_of_rows(self) -> dict:
        """The page as the paginator answers it, with `product_data` rows as its results."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return dict(self.get_paginated_response([product_data(p) for p in page]).data)


@extend_schema(tags=["products"])
class ProductDetailView(PartnerProductEndpoint, generics.RetrieveAPIView):
    """One product this partner may sell; 404 when it may not."""

    def retrieve(self, request, *args, **kwargs):
        row = cached(
            CATALOGUE_CACHE,
            lambda: product_data(self.get_object()),
            part=self.catalogue_key("item", kwargs[self.lookup_field]),
        )
        return Response(product_items(request, [row])[0])


NO_CATALOGUE = _("No catalogue: send the YAML as the body or as the multipart field `file`.")


@extend_schema(tags=["bank"])
class BankCatalogImportView(BankEndpoint, APIView):
    """A bank uploads its whole catalogue; products missing from it are deactivated.

    The YAML comes as the body (`application/x-yaml`, `application/yaml` or `text/yaml`) or as
    the multipart field `file`. Anything else is a 415; a body over 1 MiB a 413 (before it is read).
    """

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
