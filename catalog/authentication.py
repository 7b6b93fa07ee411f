"""How banks get in: `Authorization: Bank <token>`; `request.auth` is then the bank."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from catalog.models import Bank
from catalog.selectors import bank_by_token
from core.throttling import BankAuthThrottle


def bank_by_token_counted(token: str, *, request) -> Bank | None:
    """The bank whose token this is, or None; wrong tokens count per client IP
    (`THROTTLE_BANK_AUTH`), and past that rate a wrong token is a 429 (`Throttled`)."""
    bank = bank_by_token(token)
    if bank is None:
        BankAuthThrottle().failed(request)
    return bank


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
        except UnicodeError:
            token = ""
        bank = bank_by_token_counted(token, request=request)
        if bank is None:
            raise exceptions.AuthenticationFailed(_("Invalid bank token."))
        return BankClient(bank), bank

    def authenticate_header(self, request) -> str:
        return self.keyword


class IsBank(BasePermission):
    """Only a request authenticated with a bank token (`request.auth` is the bank)."""

    message = "A bank token is required."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Bank)


class BankTokenScheme(OpenApiAuthenticationExtension):
    """The scheme as declared once in `SPECTACULAR_SETTINGS` (so it is there before any use)."""

    target_class = "catalog.authentication.BankTokenAuthentication"
    name = "bankToken"

    def get_security_definition(self, auto_schema):
        return settings.SPECTACULAR_SETTINGS["APPEND_COMPONENTS"]["securitySchemes"][self.name]
