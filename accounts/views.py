"""Partners' tokens, one-time codes and password. Sign-up and the profile, which also show
what other apps know of the partner, are in `partners.views`."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import phone_codes, services, tokens
from accounts.api import AuthEndpoint
from accounts.serializers import (
    PasswordChangeSerializer,
    PhoneCodeRequestSerializer,
    PhoneCodeSentSerializer,
    RefreshInputSerializer,
    TokenObtainSerializer,
    TokenPairSerializer,
    TokenVerifyInputSerializer,
)
from core.api import PartnerEndpoint
from core.throttling import AuthThrottle, SharedRateThrottle

INVALID_CREDENTIALS = _("No active account found with the given credentials.")


class PhoneCodeRequestView(AuthEndpoint, APIView):
    """Send a one-time code by SMS; the same answer whether or not the phone is registered.

    Not under `THROTTLE_AUTH`: the code's own limits (resend pause, per-phone and per-IP
    hourly caps) are this endpoint's throttle.
    """

    throttle_classes: list = []

    @extend_schema(
        request=PhoneCodeRequestSerializer,
        responses={
            202: PhoneCodeSentSerializer,
            429: OpenApiResponse(description="Too soon or too many codes; see Retry-After."),
            503: OpenApiResponse(description="The SMS could not be sent; try again later."),
        },
        summary="Send a one-time sign-in code by SMS",
    )
    def post(self, request):
        serializer = PhoneCodeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        phone_codes.phone_code_send(
            phone=serializer.validated_data["phone"],
            client_ip=SharedRateThrottle().get_ident(request),
        )
        sent = {
            "detail": phone_codes.PHONE_CODE_SENT,
            "expires_in": settings.PHONE_CODE_TTL,
            "retry_after": settings.PHONE_CODE_RESEND_SECONDS,
        }
        return Response(PhoneCodeSentSerializer(sent).data, status=status.HTTP_202_ACCEPTED)


class TokenObtainView(AuthEndpoint, APIView):
    @extend_schema(
        request=TokenObtainSerializer,
        responses={200: TokenPairSerializer, 401: OpenApiResponse(description=INVALID_CREDENTIALS)},
        summary="Get an access and refresh token with a username and password",
    )
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            # One answer for an unknown user, a wrong password and a deactivated account.
            return Response({"detail": INVALID_CREDENTIALS}, status=status.HTTP_401_UNAUTHORIZED)
        return Response(TokenPairSerializer(tokens.issue_token_pair(user)).data)


class TokenRefreshView(AuthEndpoint, APIView):
    @extend_schema(
        request=RefreshInputSerializer,
        responses={
            200: TokenPairSerializer,
            401: OpenApiResponse(description="The refresh token is invalid, expired or used."),
        },
        summary="Exchange a refresh token for a new pair (the old refresh token stops working)",
    )
    def post(self, request):
        serializer = RefreshInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = tokens.token_refresh(refresh=serializer.validated_data["refresh"])
        return Response(TokenPairSerializer(pair).data)


class TokenVerifyView(AuthEndpoint, APIView):
    @extend_schema(
        request=TokenVerifyInputSerializer,
        responses={200: OpenApiResponse(description="The token is valid."), 401: None},
        summary="Check a token",
    )
    def post(self, request):
        serializer = TokenVerifyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens.token_verify(token=serializer.validated_data["token"])
        return Response({})


class TokenLogoutView(AuthEndpoint, APIView):
    @extend_schema(
        request=RefreshInputSerializer,
        responses={204: None, 401: None},
        summary="End a refresh token",
    )
    def post(self, request):
        serializer = RefreshInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens.token_logout(refresh=serializer.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(PartnerEndpoint, APIView):
    """A new password; every earlier token ends and a fresh pair comes back."""

    # Counted per client IP like a sign-in (`THROTTLE_AUTH`): the old password is guessed here.
    throttle_classes = [AuthThrottle]

    @extend_schema(request=PasswordChangeSerializer, responses={200: TokenPairSerializer})
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data, context={"user": request.user})
        serializer.is_valid(raise_exception=True)
        pair = services.partner_change_password(
            user=request.user,
            old_password=serializer.validated_data["old_password"],
            new_password=serializer.validated_data["new_password"],
        )
        return Response(TokenPairSerializer(pair).data)
