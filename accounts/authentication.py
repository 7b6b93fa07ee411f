"""How partners get in: `Authorization: Bearer <JWT access token>`."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework_simplejwt import authentication as jwt_authentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts import selectors
from accounts.tokens import stamp_matches


class JWTAuthentication(jwt_authentication.JWTAuthentication):
    """simplejwt's Bearer authentication, plus: tokens older than a credential change are dead,
    and the partner is read from the shared cache (`accounts.selectors.partner_signed_in`),
    which every save of the partner renews."""

    def get_user(self, validated_token):
        user_id = validated_token.get(jwt_settings.USER_ID_CLAIM)
        if user_id is None:
            raise InvalidToken(_("Token contained no recognizable user identification"))
        user = selectors.partner_signed_in(user_id=user_id)
        if user is None:
            raise exceptions.AuthenticationFailed(_("User not found"), code="user_not_found")
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if not stamp_matches(validated_token, user):
            raise exceptions.AuthenticationFailed(
                _("Token is no longer valid."), code="token_not_valid"
            )
        return user


class PartnerJWTScheme(OpenApiAuthenticationExtension):
    """The scheme as declared once in `SPECTACULAR_SETTINGS` (so it is there before any use)."""

    target_class = "accounts.authentication.JWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return settings.SPECTACULAR_SETTINGS["APPEND_COMPONENTS"]["securitySchemes"][self.name]
