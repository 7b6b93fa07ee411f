"""Webhook endpoints, events, deliveries and their attempts, as the services leave them."""

import factory
from django.utils import timezone

from catalog.tests.factories import BankFactory
from core.models import Event, EventAudience
from core.outbox import BANK_EVENT_TYPES, PARTNER_EVENT_TYPES
from referrals.tests.factories import PartnerFactory
from webhooks import signing
from webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Endpoint


class EndpointFactory(factory.django.DjangoModelFactory):
    """A bank's endpoint subscribed to every bank event; `partner=...` (or
    `for_partner=True`) makes it a partner's, subscribed to every partner event.

    The secret is stored encrypted, as `endpoint_put` stores it; the plain one is on the
    instance as `endpoint.secret` (pass `secret="whsec_..."` to choose it).
    """

    class Meta:
        model = Endpoint

    class Params:
        secret = factory.LazyFunction(signing.secret_new)
        for_partner = factory.Trait(partner=factory.SubFactory(PartnerFactory))

    partner = None
    bank = factory.Maybe(
        "partner", yes_declaration=None, no_declaration=factory.SubFactory(BankFactory)
    )
    url = factory.Sequence(lambda n: f"https://hooks{n}.example.com/in")
    events = factory.LazyAttribute(
        lambda endpoint: list(PARTNER_EVENT_TYPES if endpoint.partner else BANK_EVENT_TYPES)
    )
    secret_encrypted = factory.LazyAttribute(
        lambda endpoint: signing.secret_encrypt(endpoint.secret)
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        endpoint = super()._create(model_class, *args, **kwargs)
        endpoint.secret = signing.secret_decrypt(endpoint.secret_encrypted)
        return endpoint


def audience_of(endpoint: Endpoint) -> str:
    return EventAudience.BANK if endpoint.bank_id else EventAudience.PARTNER


class EventFactory(factory.django.DjangoModelFactory):
    """An `application.submitted` event (a type both audiences receive) for a bank."""

    class Meta:
        model = Event

    type = "application.submitted"
    audience = EventAudience.BANK
    owner_id = factory.LazyAttribute(lambda event: BankFactory().pk)
    data = factory.Sequence(lambda n: {"id": n + 1})
    created_at = factory.LazyFunction(timezone.now)


class DeliveryFactory(factory.django.DjangoModelFactory):
    """A pending, due delivery to an endpoint of an event of the endpoint's owner."""

    class Meta:
        model = Delivery

    endpoint = factory.SubFactory(EndpointFactory)
    event = factory.SubFactory(
        EventFactory,
        audience=factory.LazyAttribute(lambda event: audience_of(event.factory_parent.endpoint)),
        owner_id=factory.LazyAttribute(lambda event: event.factory_parent.endpoint.owner.pk),
    )
    status = DeliveryStatus.PENDING
    next_attempt_at = factory.LazyFunction(timezone.now)


class FailedDeliveryFactory(DeliveryFactory):
    """A delivery that used up its retry schedule: every attempt answered 500."""

    status = DeliveryStatus.FAILED
    attempts = 8
    next_attempt_at = None
    last_status_code = 500
    last_error = "The receiver answered 500."


class DeliveryAttemptFactory(factory.django.DjangoModelFactory):
    """One failed attempt (the receiver answered 500), logged on the delivery's endpoint."""

    class Meta:
        model = DeliveryAttempt

    delivery = factory.SubFactory(DeliveryFactory)
    endpoint = factory.SelfAttribute("delivery.endpoint")
    number = 1
    status_code = 500
    error = "The receiver answered 500."
    attempted_at = factory.LazyFunction(timezone.now)
    duration_ms = 12
    next_attempt_at = None
