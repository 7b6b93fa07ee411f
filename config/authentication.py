"""The two ways in: partners with `Bearer <JWT>`, banks with `Bank <token>`."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework_simplejwt import authentication as jwt_authentication

from accounts.tokens import stamp_matches
from catalog.selectors import bank_by_token


class JWTAuthentication(jwt_authentication.JWTAuthentication):
    """simplejwt's Bearer authentication, plus: tokens older than a credential change are dead."""

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if not stamp_matches(validated_token, user):
            raise exceptions.AuthenticationFailed(
                _("Token is no longer valid."), code="token_not_valid"
            )
        return user


class BankClient:
    """The principal behind a bank token: authenticated, but not a user of any kind."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    pk = None

    def __init__(self, bank) -> None:
        self.bank = bank

    def __str__(self) -> str:
        return f"bank:{self.bank.pk}"


class BankTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bank <token>`; `request.auth` is then the `catalog.Bank`."""

    keyword = "Bank"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != self.keyword.lower().encode():
            # A partner's `Bearer` token, say: say what this endpoint takes instead.
            raise exceptions.AuthenticationFailed(
                _("This endpoint takes a bank token: `Authorization: Bank <token>`.")
            )
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid bank token header."))
        try:
            token = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid bank token.")) from exc
        bank = bank_by_token(token)
        if bank is None:
            raise exceptions.AuthenticationFailed(_("Invalid bank token."))
        return BankClient(bank), bank

    def authenticate_header(self, request) -> str:
        return self.keyword


def _declared_scheme(name: str) -> dict:
    """The scheme as declared once in `SPECTACULAR_SETTINGS`."""
    return settings.SPECTACULAR_SETTINGS["APPEND_COMPONENTS"]["securitySchemes"][name]


class PartnerJWTScheme(OpenApiAuthenticationExtension):
    target_class = "config.authentication.JWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return _declared_scheme(self.name)


class BankTokenScheme(OpenApiAuthenticationExtension):
    target_class = "config.authentication.BankTokenAuthentication"
    name = "bankToken"

    def get_security_definition(self, auto_schema):
        return _declared_scheme(self.name)
