"""The partner's money (balance, commissions, payouts) and the banks' decisions on
applications, which move money and so live here, above `orders` (see `payouts.decisions`)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api import BankEndpoint
from catalog.authentication import bank_by_token_counted
from core.api import PartnerEndpoint, PublicEndpoint
from core.errors import NotFoundError
from orders.serializers import BankDecisionResultSerializer, BankDecisionSerializer
from payouts import decisions, selectors, services
from payouts.filters import CommissionFilter
from payouts.models import Commission, Payout
from payouts.serializers import (
    BalanceSerializer,
    CommissionSerializer,
    PayoutDetailSerializer,
    PayoutSerializer,
)

NOT_FOUND = OpenApiResponse(description="Not found, or not yours.")

# --- Banks' decisions -----------------------------------------------------------------------


def _decision(bank, *, order_id: int, data) -> Response:
    """Validate a bank's decision and apply it to one of its applications."""
    serializer = BankDecisionSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    order = decisions.bank_decision_apply(bank=bank, order_id=order_id, **serializer.validated_data)
    return Response(BankDecisionResultSerializer(order).data)


DECISION_RESPONSES = {
    200: BankDecisionResultSerializer,
    404: OpenApiResponse(description="Unknown token, not this bank's application, or a draft."),
    409: OpenApiResponse(description="Contradicts the application's final decision."),
}


@extend_schema(tags=["bank"])
class BankCallbackView(PublicEndpoint, APIView):
    """The seed's status callback: the bank's token is in the URL.

    An unknown token, another bank's application, an unknown one and a draft all answer the
    same 404. `PATCH /api/bank/orders/{id}/` does the same with the token in a header, which
    keeps it out of access logs.
    """

    # Wrong tokens count per address (`THROTTLE_BANK_AUTH`), as in the bank's header.
    schema_error_statuses = ("429",)

    @extend_schema(
        request=BankDecisionSerializer,
        responses=DECISION_RESPONSES,
        summary="Report a decision on an application (token in the URL)",
    )
    def put(self, request, pk: int, token: str):
        bank = bank_by_token_counted(token, request=request)
        if bank is None:
            raise NotFoundError()
        return _decision(bank, order_id=pk, data=request.data)


@extend_schema(tags=["bank"])
class BankOrderDecisionView(BankEndpoint, APIView):
    """The same decision as the status callback, with the token in `Authorization: Bank
    <token>` instead of the URL: same body, same rules, same 404 for another bank's or a draft."""

    @extend_schema(
        request=BankDecisionSerializer,
        responses=DECISION_RESPONSES,
        summary="Report a decision on one of the bank's applications",
    )
    def patch(self, request, pk: int):
        return _decision(request.auth, order_id=pk, data=request.data)


# --- The partner's money --------------------------------------------------------------------


@extend_schema(tags=["payouts"])
class BalanceView(PartnerEndpoint, APIView):
    """The partner's ledger summed by where the money stands (one query)."""

    @extend_schema(responses={200: BalanceSerializer}, summary="The partner's balance")
    def get(self, request):
        return Response(BalanceSerializer(selectors.balance_of(partner=request.user)).data)


@extend_schema(tags=["payouts"])
class CommissionListView(PartnerEndpoint, generics.ListAPIView):
    """The partner's commissions, newest first: its sales, its referral bonuses, clawbacks."""

    model = Commission
    serializer_class = CommissionSerializer
    filterset_class = CommissionFilter

    def scoped_queryset(self):
        return selectors.commissions_of(partner=self.request.user)


@extend_schema(tags=["payouts"])
class PayoutListCreateView(PartnerEndpoint, generics.ListAPIView):
    """The partner's payouts, newest first; POST requests one of everything available."""

    model = Payout
    serializer_class = PayoutSerializer

    def scoped_queryset(self):
        return selectors.payouts_of(partner=self.request.user)

    @extend_schema(
        request=None,
        responses={
            201: PayoutSerializer,
            400: OpenApiResponse(
                description="No payout_details in the profile, or the available balance is "
                "below PAYOUT_MIN_AMOUNT."
            ),
            409: OpenApiResponse(description="A payout is already requested."),
        },
        summary="Request a payout of the available balance",
    )
    def post(self, request):
        payout = services.payout_request(partner=request.user)
        return Response(PayoutSerializer(payout).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["payouts"])
class PayoutDetailView(PartnerEndpoint, generics.RetrieveAPIView):
    """One of the partner's payouts with its commissions."""

    model = Payout
    serializer_class = PayoutDetailSerializer

    def scoped_queryset(self):
        return selectors.payouts_of_with_commissions(partner=self.request.user)


@extend_schema(tags=["payouts"])
class PayoutCancelView(PartnerEndpoint, APIView):
    """Take back a requested payout: its commissions are available again."""

    @extend_schema(
        request=None,
        responses={
            200: PayoutSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(description="The payout is no longer requested."),
        },
        summary="Cancel a requested payout",
    )
    def post(self, request, pk: int):
        payout = services.payout_cancel(partner=request.user, payout_id=pk)
        return Response(PayoutSerializer(payout).data)
