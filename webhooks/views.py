"""Webhook subscriptions of banks (`/api/bank/webhook/`, bank token) and partners
(`/api/webhooks/`, Bearer): one endpoint each, its secret shown once, its delivery log.

The two families differ only in who the caller is (`audience`, `owner`): a bank or partner
reaches its own subscription and log only, so there is no id in any of these paths to guess.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api import BankEndpoint
from core.api import PartnerEndpoint, ScopedQuerysetMixin
from core.errors import NotFoundError
from core.models import EventAudience
from core.outbox import EVENT_TYPES
from webhooks import selectors, services
from webhooks.models import DeliveryAttempt
from webhooks.serializers import (
    BankWebhookPutSerializer,
    DeliveryAttemptSerializer,
    PartnerWebhookPutSerializer,
    WebhookCreatedSerializer,
    WebhookSecretSerializer,
    WebhookSerializer,
)

NO_WEBHOOK = OpenApiResponse(description="No webhook is set.")


class _Owned:
    audience: str

    def owner(self, request):
        return request.auth if self.audience == EventAudience.BANK else request.user

    def endpoint_or_404(self, request):
        endpoint = selectors.endpoint_of(audience=self.audience, owner=self.owner(request))
        if endpoint is None:
            raise NotFoundError()
        return endpoint


class _WebhookView(_Owned, APIView):
    put_serializer: type

    def get(self, request):
        return Response(WebhookSerializer(self.endpoint_or_404(request)).data)

    def put(self, request):
        serializer = self.put_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_put(
            audience=self.audience,
            owner=self.owner(request),
            url=serializer.validated_data["url"],
            events=serializer.validated_data.get("events"),
        )
        endpoint.secret = secret
        return Response(WebhookCreatedSerializer(endpoint).data)

    def delete(self, request):
        services.endpoint_delete(endpoint=self.endpoint_or_404(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class _RotateView(_Owned, APIView):
    def post(self, request):
        secret = services.endpoint_rotate_secret(endpoint=self.endpoint_or_404(request))
        return Response(WebhookSecretSerializer({"secret": secret}).data)


class _DeliveriesView(_Owned, ScopedQuerysetMixin, generics.ListAPIView):
    # After the bank's or partner's base in the concrete views, but before the mixin that base
    # brings (the method resolution order puts a shared base after every class that has it).
    model = DeliveryAttempt
    serializer_class = DeliveryAttemptSerializer

    def scoped_queryset(self):
        return selectors.attempts_of(audience=self.audience, owner=self.owner(self.request))


def _schema(who: str, types: tuple[str, ...], put_serializer):
    listed = ", ".join(f"`{t}`" for t in types)
    return {
        "get": extend_schema(
            responses={200: WebhookSerializer, 404: NO_WEBHOOK},
            summary=f"The {who}'s webhook, without its secret",
        ),
        "put": extend_schema(
            request=put_serializer,
            responses={200: WebhookCreatedSerializer},
            summary=f"Set the {who}'s webhook (the secret is shown when it is created)",
            description=(
                f"Events are POSTed to `url` per the Standard Webhooks specification, signed "
                f"with the secret. The {who} can receive {listed}."
            ),
        ),
        "delete": extend_schema(responses={204: None, 404: NO_WEBHOOK}, summary="Unsubscribe"),
        "rotate": extend_schema(
            request=None,
            responses={200: WebhookSecretSerializer, 404: NO_WEBHOOK},
            summary="Replace the signing secret",
        ),
        "deliveries": extend_schema(summary="Recent delivery attempts, newest first"),
    }


_BANK = _schema("bank", EVENT_TYPES[EventAudience.BANK], BankWebhookPutSerializer)
_PARTNER = _schema("partner", EVENT_TYPES[EventAudience.PARTNER], PartnerWebhookPutSerializer)


@extend_schema(tags=["bank webhooks"])
@extend_schema_view(get=_BANK["get"], put=_BANK["put"], delete=_BANK["delete"])
class BankWebhookView(BankEndpoint, _WebhookView):
    audience = EventAudience.BANK
    put_serializer = BankWebhookPutSerializer


@extend_schema(tags=["bank webhooks"])
@extend_schema_view(post=_BANK["rotate"])
class BankWebhookRotateView(BankEndpoint, _RotateView):
    audience = EventAudience.BANK


@extend_schema(tags=["bank webhooks"])
@extend_schema_view(get=_BANK["deliveries"])
class BankWebhookDeliveriesView(BankEndpoint, _DeliveriesView):
    audience = EventAudience.BANK


@extend_schema(tags=["webhooks"])
@extend_schema_view(get=_PARTNER["get"], put=_PARTNER["put"], delete=_PARTNER["delete"])
class PartnerWebhookView(PartnerEndpoint, _WebhookView):
    audience = EventAudience.PARTNER
    put_serializer = PartnerWebhookPutSerializer


@extend_schema(tags=["webhooks"])
@extend_schema_view(post=_PARTNER["rotate"])
class PartnerWebhookRotateView(PartnerEndpoint, _RotateView):
    audience = EventAudience.PARTNER


@extend_schema(tags=["webhooks"])
@extend_schema_view(get=_PARTNER["deliveries"])
class PartnerWebhookDeliveriesView(PartnerEndpoint, _DeliveriesView):
    audience = EventAudience.PARTNER
