from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.serializers import (
    PartnerCreatedSerializer,
    PasswordChangeSerializer,
    PhoneCodeRequestSerializer,
    PhoneCodeSentSerializer,
    PhoneSignInSerializer,
    PhoneVerifySerializer,
    ProfileResponseSerializer,
    ProfileUpdatedSerializer,
    ProfileUpdateSerializer,
    RefreshInputSerializer,
    RegisterSerializer,
    TokenObtainSerializer,
    TokenPairSerializer,
    TokenVerifyInputSerializer,
)
from accounts.tokens import issue_token_pair
from core.throttling import AuthThrottle, SharedRateThrottle

INVALID_CREDENTIALS = "No active account found with the given credentials."


class PublicAuthView(APIView):
    """Base of the sign-up and token endpoints: no authentication, throttled per client IP."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthThrottle]

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class RegisterView(PublicAuthView):
    @extend_schema(
        request=RegisterSerializer,
        responses={201: PartnerCreatedSerializer},
        summary="Register a partner with a username and password",
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = services.partner_register(
            username=data["username"],
            password=data["password"],
            email=data.get("email", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            bank=data.get("bank"),
            invite_code=data.get("invite_code") or None,
        )
        return Response(PartnerCreatedSerializer(user).data, status=status.HTTP_201_CREATED)


class PhoneCodeRequestView(PublicAuthView):
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
        services.phone_code_send(
            phone=serializer.validated_data["phone"],
            client_ip=SharedRateThrottle().get_ident(request),
        )
        body = {
            "detail": services.PHONE_CODE_SENT,
            "expires_in": settings.PHONE_CODE_TTL,
            "retry_after": settings.PHONE_CODE_RESEND_SECONDS,
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)


class PhoneVerifyView(PublicAuthView):
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
        result = services.phone_sign_in(
            phone=data["phone"], code=data["code"], invite_code=data.get("invite_code") or None
        )
        item = selectors.profile_user_item(user=result.user)
        body = {
            **result.tokens,
            "created": result.created,
            "user": {key: item[key] for key in ("id", "username", "phone", "invite_code")},
        }
        return Response(body)


class TokenObtainView(PublicAuthView):
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
        return Response(issue_token_pair(user))


class TokenRefreshView(PublicAuthView):
    @extend_schema(
        request=RefreshInputSerializer,
        responses={200: TokenPairSerializer},
        summary="Exchange a refresh token for a new pair (the old refresh token stops working)",
    )
    def post(self, request):
        serializer = RefreshInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(services.token_refresh(refresh=serializer.validated_data["refresh"]))


class TokenVerifyView(PublicAuthView):
    @extend_schema(
        request=TokenVerifyInputSerializer,
        responses={200: OpenApiResponse(description="The token is valid."), 401: None},
        summary="Check a token",
    )
    def post(self, request):
        serializer = TokenVerifyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.token_verify(token=serializer.validated_data["token"])
        return Response({})


class TokenLogoutView(PublicAuthView):
    @extend_schema(
        request=RefreshInputSerializer,
        responses={204: None, 401: None},
        summary="End a refresh token",
    )
    def post(self, request):
        serializer = RefreshInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.token_logout(refresh=serializer.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProfileView(APIView):
    """The partner's profile, applications and earnings, with the seed's top-level keys."""

    @extend_schema(responses={200: ProfileResponseSerializer})
    def get(self, request):
        return Response(selectors.partner_profile(user=request.user))


class ProfileUpdateView(APIView):
    """Change the partner's own name fields, and its phone with a code sent to the new number.

    `bank`, `is_staff`, `password` are not writable.
    """

    def _update(self, request, *, partial: bool):
        serializer = ProfileUpdateSerializer(request.user, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        tokens = services.partner_update(user=request.user, data=serializer.validated_data)
        body: dict = {"User": [selectors.profile_user_item(user=request.user)]}
        if tokens:
            body.update(tokens)
        return Response(body)

    @extend_schema(request=ProfileUpdateSerializer, responses={200: ProfileUpdatedSerializer})
    def put(self, request):
        return self._update(request, partial=False)

    @extend_schema(request=ProfileUpdateSerializer, responses={200: ProfileUpdatedSerializer})
    def patch(self, request):
        return self._update(request, partial=True)


class PasswordChangeView(APIView):
    """A new password; every earlier token ends and a fresh pair comes back."""

    throttle_classes = [AuthThrottle]

    @extend_schema(request=PasswordChangeSerializer, responses={200: TokenPairSerializer})
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data, context={"user": request.user})
        serializer.is_valid(raise_exception=True)
        tokens = services.partner_change_password(
            user=request.user,
            old_password=serializer.validated_data["old_password"],
            new_password=serializer.validated_data["new_password"],
        )
        return Response(tokens)
