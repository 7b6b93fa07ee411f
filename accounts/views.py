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
from config.throttling import AuthThrottle

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
        )
        return Response(PartnerCreatedSerializer(user).data, status=status.HTTP_201_CREATED)


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
    """Change the partner's own name fields. `bank`, `is_staff`, `password` are not writable."""

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
