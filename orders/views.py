from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api import BankEndpoint
from core.api import PartnerEndpoint, PublicEndpoint
from core.pagination import ApplicationPagination
from core.throttling import LandingThrottle, PublicOrderThrottle
from orders import selectors, services
from orders.filters import BankOrderFilter, PartnerOrderFilter
from orders.models import Order

# The banks' decisions (`PUT /api/order/{id}/{token}/`, `PATCH /api/bank/orders/{id}/`) move
# money too, so their views live in `payouts.views`.
from orders.serializers import (
    BankOrderSerializer,
    LandingSerializer,
    OrderDraftConfirmSerializer,
    OrderDraftCreateSerializer,
    OrderLinkCreatedSerializer,
    OrderLinkCreateSerializer,
    PartnerOrderDetailSerializer,
    PartnerOrderSerializer,
    PartnerStatsQuerySerializer,
    PartnerStatsSerializer,
)

NOT_FOUND = OpenApiResponse(description="Not found, or not yours.")
NOT_A_DRAFT = OpenApiResponse(description="Only a draft can be changed this way.")


@extend_schema(tags=["referral link"])
class ReferralLinkView(PublicEndpoint, APIView):
    """A partner's public link for a product: the landing page's data, and the client's form.

    No authentication; each method has its own per-IP throttle.
    """

    def get_throttles(self):
        throttle = PublicOrderThrottle if self.request.method == "POST" else LandingThrottle
        return [throttle()]

    @extend_schema(
        responses={200: LandingSerializer, 404: NOT_FOUND},
        summary="Landing data of a referral link (counts a click)",
    )
    def get(self, request, username: str, product_id: int):
        # Django answers HEAD with this method too: only a GET is a visit worth a click.
        landing = services.referral_link_visit(
            username=username, product_id=product_id, count_click=request.method == "GET"
        )
        return Response(LandingSerializer(landing).data)

    @extend_schema(
        request=OrderLinkCreateSerializer,
        responses={
            201: OrderLinkCreatedSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(description="Same phone or e-mail for this product within 24 h."),
        },
        summary="Apply through a referral link",
    )
    def post(self, request, username: str, product_id: int):
        serializer = OrderLinkCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = services.order_create_from_link(
            username=username, product_id=product_id, **serializer.validated_data
        )
        return Response(OrderLinkCreatedSerializer(order).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["bank"])
class BankOrderListView(BankEndpoint, generics.ListAPIView):
    """The bank's applications (never drafts), oldest submission first."""

    model = Order
    serializer_class = BankOrderSerializer
    filterset_class = BankOrderFilter
    pagination_class = ApplicationPagination
    cursor_ordering = ("submitted_at", "id")
    row_columns = selectors.BANK_ORDER_ROW_COLUMNS  # the page as plain rows (the pagination's)

    def scoped_queryset(self):
        return selectors.orders_of_bank(bank=self.request.auth)

    def unfiltered_total(self):
        """The whole list's count without counting it (`ApplicationPagination`)."""
        return selectors.orders_of_bank_count(bank=self.request.auth)


@extend_schema(tags=["applications"])
class PartnerOrderListCreateView(PartnerEndpoint, generics.ListAPIView):
    """The partner's applications, newest first; POST starts a draft for a client."""

    model = Order
    serializer_class = PartnerOrderSerializer
    filterset_class = PartnerOrderFilter
    pagination_class = ApplicationPagination
    cursor_ordering = ("-created_at", "-id")
    row_columns = selectors.PARTNER_ORDER_ROW_COLUMNS  # the page as plain rows (the pagination's)

    def scoped_queryset(self):
        return selectors.orders_of_partner(partner=self.request.user)

    def unfiltered_total(self):
        """The whole list's count without counting it (`ApplicationPagination`)."""
        return selectors.orders_of_partner_count(partner=self.request.user)

    @extend_schema(
        request=OrderDraftCreateSerializer,
        responses={201: PartnerOrderSerializer},
        summary="Start a draft application for a client",
    )
    def post(self, request):
        serializer = OrderDraftCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = services.order_draft_create(
            partner=request.user,
            product_id=data["product"],
            income=data.get("income"),
            email_client=data.get("email_client") or "",
            phone=data.get("phone") or "",
        )
        return Response(PartnerOrderSerializer(order).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["applications"])
class PartnerOrderDetailView(PartnerEndpoint, generics.RetrieveAPIView):
    """One of the partner's applications with its history; DELETE removes a draft."""

    model = Order
    serializer_class = PartnerOrderDetailSerializer

    def scoped_queryset(self):
        return selectors.order_of_partner_with_history(partner=self.request.user)

    @extend_schema(
        responses={204: None, 404: NOT_FOUND, 409: NOT_A_DRAFT},
        summary="Delete a draft",
    )
    def delete(self, request, pk: int):
        services.order_draft_delete(partner=request.user, order_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["applications"])
class OrderConfirmView(PartnerEndpoint, APIView):
    @extend_schema(
        request=OrderDraftConfirmSerializer,
        responses={
            200: PartnerOrderDetailSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="Not a draft, the product is no longer available, or a duplicate."
            ),
        },
        summary="Complete and submit a draft",
    )
    def post(self, request, pk: int):
        serializer = OrderDraftConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.order_draft_confirm(partner=request.user, order_id=pk, **serializer.validated_data)
        order = selectors.order_of_partner_with_history(partner=request.user).get(pk=pk)
        return Response(PartnerOrderDetailSerializer(order).data)


@extend_schema(tags=["applications"])
class PartnerStatsView(PartnerEndpoint, APIView):
    """The partner's funnel: clicks, applications, decisions, reward; overall and per product."""

    @extend_schema(
        parameters=[PartnerStatsQuerySerializer],
        responses={200: PartnerStatsSerializer},
        summary="The partner's statistics",
    )
    def get(self, request):
        query = PartnerStatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        stats = selectors.partner_stats(partner=request.user, **query.validated_data)
        # Already in `PartnerStatsSerializer`'s shape, to the key order (the test of the
        # serializers checks it): DRF's nested serialization of it was most of this view's time.
        return Response(stats)
