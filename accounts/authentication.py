"""How partners get in: `Authorization: Bearer <JWT access token>`."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework_simplejwt import authentication as jwt_authentication

from accounts.tokens import stamp_matches


class JWTAuthentication(jwt_authentication.JWTAuthentication):
    """simplejwt's Bearer authentication, plus: tokens older than a credential change are dead."""

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
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
