from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFoundError
from core.throttling import LookupThrottle
from referrals import selectors, services
from referrals.models import InviteCode, Referral
from referrals.serializers import (
    InviteCodeCreateSerializer,
    InviteCodeLookupQuerySerializer,
    InviteCodeLookupSerializer,
    InviteCodeSerializer,
    ReferralAppliedSerializer,
    ReferralApplySerializer,
    ReferredPartnerSerializer,
)


@extend_schema(tags=["referrals"])
class InviteCodeListCreateView(generics.ListAPIView):
    """The partner's own invite codes; POST makes a new active one and ends the previous one."""

    serializer_class = InviteCodeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InviteCode.objects.none()
        return selectors.invite_codes_of(partner=self.request.user)

    @extend_schema(
        request=InviteCodeCreateSerializer,
        responses={201: InviteCodeSerializer},
        summary="Create a new active invite code",
    )
    def post(self, request):
        serializer = InviteCodeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invite = services.invite_code_create(
            partner=request.user,
            code=serializer.validated_data.get("code"),
            expires_at=serializer.validated_data.get("expires_at"),
        )
        return Response(InviteCodeSerializer(invite).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["referrals"])
class InviteCodeDeleteView(APIView):
    @extend_schema(
        responses={204: None, 404: OpenApiResponse(description="Not one of your codes.")},
        summary="Delete one of your invite codes (it can no longer be entered)",
    )
    def delete(self, request, code: str):
        services.invite_code_delete(partner=request.user, code=code)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["referrals"])
class InviteCodeByEmailView(APIView):
    """Public: the active code of the partner with this e-mail, throttled per client IP."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LookupThrottle]

    @extend_schema(
        parameters=[InviteCodeLookupQuerySerializer],
        responses={
            200: InviteCodeLookupSerializer,
            404: OpenApiResponse(description="No partner with an active code has this e-mail."),
        },
        summary="Look up a partner's active invite code by e-mail",
    )
    def get(self, request):
        query = InviteCodeLookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        invite = selectors.invite_code_by_email(email=query.validated_data["email"])
        if invite is None:
            raise NotFoundError()
        return Response(InviteCodeLookupSerializer(invite).data)


@extend_schema(tags=["referrals"])
class ReferralApplyView(APIView):
    @extend_schema(
        request=ReferralApplySerializer,
        responses={
            200: ReferralAppliedSerializer,
            400: OpenApiResponse(description="Own, unknown, expired code, or a cycle."),
            409: OpenApiResponse(description="You already have a referrer."),
        },
        summary="Enter someone's invite code: its owner becomes your referrer",
    )
    def post(self, request):
        serializer = ReferralApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = services.referral_apply(
            partner=request.user, code=serializer.validated_data["code"]
        )
        body = {
            "activated_code": referral.code.code,
            "referrer": {"username": referral.referrer.username},
        }
        return Response(body)


@extend_schema(tags=["referrals"])
class ReferralListView(generics.ListAPIView):
    """The partners I brought in, most recent first."""

    serializer_class = ReferredPartnerSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        return selectors.referrals_of(referrer_id=self.request.user.pk)


@extend_schema(tags=["referrals"])
class PartnerReferralListView(generics.ListAPIView):
    """The partners this partner brought in: oneself or staff only, else 404."""

    serializer_class = ReferredPartnerSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        referrals = selectors.referrals_visible_to(
            viewer=self.request.user, user_id=self.kwargs["id"]
        )
        if referrals is None:
            raise NotFoundError()
        return referrals
