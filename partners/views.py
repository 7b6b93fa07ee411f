"""Sign-up and the profile: the endpoints whose answers gather several apps' data."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services as account_services
from accounts.api import AuthEndpoint
from accounts.serializers import (
    PartnerCreatedSerializer,
    PhoneVerifySerializer,
    ProfileUpdateSerializer,
    RegisterSerializer,
)
from core.api import PartnerEndpoint
from partners import selectors, services
from partners.serializers import (
    PhoneSignInSerializer,
    ProfileResponseSerializer,
    ProfileUpdatedSerializer,
)
from referrals import selectors as referral_selectors


class RegisterView(AuthEndpoint, APIView):
    @extend_schema(
        request=RegisterSerializer,
        responses={201: PartnerCreatedSerializer},
        summary="Register a partner with a username and password",
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        partner = services.partner_register(
            username=data["username"],
            password=data["password"],
            email=data.get("email", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            bank=data.get("bank"),
            invite_code=data.get("invite_code") or None,
        )
        return Response(PartnerCreatedSerializer(partner).data, status=status.HTTP_201_CREATED)


class PhoneVerifyView(AuthEndpoint, APIView):
    """Sign in with the code; the first success for a new phone registers the partner."""

    @extend_schema(
        request=PhoneVerifySerializer,
        responses={
            200: PhoneSignInSerializer,
            400: OpenApiResponse(description="Invalid or expired code, or unusable invite code."),
        },
        summary="Sign in (or sign up) with a phone and its one-time code",
    )
    def post(self, request):
        serializer = PhoneVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.partner_sign_in_by_phone(
            phone=data["phone"], code=data["code"], invite_code=data.get("invite_code") or None
        )
        partner = result.user
        signed_in = {
            **result.tokens,
            "created": result.created,
            "user": {
                "id": partner.pk,
                "username": partner.username,
                "phone": partner.phone,
                "invite_code": referral_selectors.invite_code_of(partner=partner),
            },
        }
        return Response(PhoneSignInSerializer(signed_in).data)


class ProfileView(PartnerEndpoint, APIView):
    """The partner's profile, applications and earnings, with the seed's top-level keys."""

    @extend_schema(responses={200: ProfileResponseSerializer})
    def get(self, request):
        profile = selectors.partner_profile(partner=request.user)
        return Response(ProfileResponseSerializer(profile).data)


class ProfileUpdateView(PartnerEndpoint, APIView):
    """Change the partner's own name fields, and its phone with a code sent to the new number.

    `bank`, `is_staff`, `password` are not writable.
    """

    def _update(self, request, *, partial: bool):
        serializer = ProfileUpdateSerializer(request.user, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        tokens = account_services.partner_update(user=request.user, data=serializer.validated_data)
        updated = {"User": [selectors.profile_user_item(partner=request.user)], **(tokens or {})}
        return Response(ProfileUpdatedSerializer(updated).data)

    @extend_schema(request=ProfileUpdateSerializer, responses={200: ProfileUpdatedSerializer})
    def put(self, request):
        return self._update(request, partial=False)

    @extend_schema(request=ProfileUpdateSerializer, responses={200: ProfileUpdatedSerializer})
    def patch(self, request):
        return self._update(request, partial=True)
