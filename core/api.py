"""The base of every API view, one per kind of caller (NetBox's `BaseViewSet` idea).

- `PublicEndpoint`: anyone; no authentication, so a stale `Authorization` header changes
  nothing. Each public view names its own per-IP throttle.
- `PartnerEndpoint`: a signed-in partner, authenticated by the settings' default (the Bearer
  JWT of `accounts.authentication`); every change it makes counts against
  `THROTTLE_PARTNER_WRITE`.
- `catalog.api.BankEndpoint`: a bank's token (it lives with the bank-token authentication).

Each mixes into DRF's `APIView` or a generic view: `class X(PartnerEndpoint, ListAPIView)`.
List views name their `model` and implement `scoped_queryset()`, already limited to the caller
(object permissions do not filter lists: the queryset must); while drf-spectacular builds the
schema there is no caller, and `get_queryset()` answers an empty queryset of `model`.

The bases have no class docstrings: drf-spectacular would show one as the description of every
operation whose view has none.
"""

from django.db.models import Model, QuerySet
from rest_framework.permissions import AllowAny, IsAuthenticated

from core.throttling import PartnerWriteThrottle


class ScopedQuerysetMixin:
    model: type[Model] | None = None

    def scoped_queryset(self) -> QuerySet:
        raise NotImplementedError(f"{type(self).__name__} must implement scoped_queryset()")

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.scoped_queryset()


class PublicEndpoint(ScopedQuerysetMixin):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []


class PartnerEndpoint(ScopedQuerysetMixin):
    permission_classes = [IsAuthenticated]
    throttle_classes = [PartnerWriteThrottle]
