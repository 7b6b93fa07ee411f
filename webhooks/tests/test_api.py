"""Webhook subscriptions through the API: banks (`/api/bank/webhook/`, bank token) and
partners (`/api/webhooks/`, Bearer) alike, each reaching its own subscription only."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from standardwebhooks import Webhook, WebhookVerificationError

from catalog.tests.factories import BankFactory, ProductFactory
from core.models import Event, EventAudience
from core.outbox import BANK_EVENT_TYPES, PARTNER_EVENT_TYPES
from orders.models import Order
from orders.tests.helpers import form, link
from referrals.tests.factories import PartnerFactory
from tests.clients import bank_client, bearer_client
from webhooks import signing, tasks, transport
from webhooks.models import Delivery, DeliveryAttempt, Endpoint
from webhooks.tests.factories import (
    DeliveryAttemptFactory,
    DeliveryFactory,
    EndpointFactory,
    EventFactory,
)

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.com/in"
OTHER_URL = "https://other.example.com/receive?x=1"
NOT_FOUND = {"detail": "Not found."}
# Measured on PostgreSQL: authentication (the bank's token, or the partner), the count, and
# the page joined to its deliveries and events.
DELIVERIES_QUERIES = 3


@dataclass(frozen=True)
class Family:
    """One family of webhook endpoints: who calls it and what it may receive."""

    kind: str  # the Endpoint's owner field: "bank" or "partner"
    base: str
    event_types: tuple[str, ...]
    foreign_type: str  # a type only the other family receives

    @property
    def rotate(self) -> str:
        return f"{self.base}rotate-secret/"

    @property
    def deliveries(self) -> str:
        return f"{self.base}deliveries/"

    def new_owner(self, **kwargs):
        return BankFactory(**kwargs) if self.kind == "bank" else PartnerFactory(**kwargs)

    def client(self, owner) -> APIClient:
        """A signed-in client (a bank's replaces the bank's earlier token: make one per bank)."""
        return bank_client(owner) if self.kind == "bank" else bearer_client(owner)

    def endpoint(self, owner, **kwargs) -> Endpoint:
        return EndpointFactory(**{self.kind: owner}, **kwargs)

    def endpoint_of(self, owner) -> Endpoint | None:
        return Endpoint.objects.filter(**{self.kind: owner}).first()

    def attempt(self, endpoint: Endpoint, **kwargs) -> DeliveryAttempt:
        """A logged attempt of a delivery of a new event of the endpoint's owner."""
        return DeliveryAttemptFactory(delivery=DeliveryFactory(endpoint=endpoint), **kwargs)


BANK = Family("bank", "/api/bank/webhook/", BANK_EVENT_TYPES, "payout.paid")
PARTNER = Family("partner", "/api/webhooks/", PARTNER_EVENT_TYPES, "catalog.imported")


@pytest.fixture(params=[BANK, PARTNER], ids=["bank", "partner"])
def family(request) -> Family:
    return request.param


@pytest.fixture
def owner(family):
    return family.new_owner()


@pytest.fixture
def client(family, owner) -> APIClient:
    return family.client(owner)


@pytest.fixture(autouse=True)
def _public_receivers_only(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False


def snapshot() -> tuple[list, list, list]:
    """Every endpoint, delivery and attempt, to show that a refused request changed nothing."""
    return (
        list(Endpoint.objects.order_by("id").values()),
        list(Delivery.objects.order_by("id").values()),
        list(DeliveryAttempt.objects.order_by("id").values()),
    )


def moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None, text
    return value


# --- Subscribing ----------------------------------------------------------------------------


def test_put_creates_the_webhook_and_shows_its_secret_once(family, owner, client):
    response = client.put(family.base, {"url": URL}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {"url": URL, "events": list(family.event_types), "secret": body["secret"]}
    secret = body["secret"]
    assert secret.startswith(signing.SECRET_PREFIX)
    Webhook(secret)  # a secret the Standard Webhooks library takes
    endpoint = family.endpoint_of(owner)
    assert (endpoint.url, endpoint.events) == (URL, list(family.event_types))
    assert secret not in endpoint.secret_encrypted
    assert secret.removeprefix(signing.SECRET_PREFIX) not in endpoint.secret_encrypted
    assert signing.secret_decrypt(endpoint.secret_encrypted) == secret


def test_each_new_webhook_gets_its_own_secret(family):
    first, second = family.new_owner(), family.new_owner()

    one = family.client(first).put(family.base, {"url": URL}, format="json").json()
    two = family.client(second).put(family.base, {"url": URL}, format="json").json()

    assert one["secret"] != two["secret"]


def test_put_keeps_the_chosen_events_once_each_in_the_list_order(family, owner, client):
    chosen = [family.event_types[1], family.event_types[0], family.event_types[1]]

    response = client.put(family.base, {"url": URL, "events": chosen}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["events"] == list(family.event_types[:2])
    assert family.endpoint_of(owner).events == list(family.event_types[:2])


def test_a_second_put_changes_url_and_events_but_keeps_the_secret(family, owner, client):
    secret = client.put(family.base, {"url": URL}, format="json").json()["secret"]
    created = family.endpoint_of(owner)

    response = client.put(
        family.base, {"url": OTHER_URL, "events": [family.event_types[0]]}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "url": OTHER_URL,
        "events": [family.event_types[0]],
        "secret": None,
    }
    endpoint = family.endpoint_of(owner)
    assert endpoint.pk == created.pk
    assert Endpoint.objects.count() == 1
    assert (endpoint.url, endpoint.events) == (OTHER_URL, [family.event_types[0]])
    assert endpoint.secret_encrypted == created.secret_encrypted
    assert signing.secret_decrypt(endpoint.secret_encrypted) == secret
    assert endpoint.created_at == created.created_at
    assert endpoint.updated_at > created.updated_at


def test_a_put_without_events_subscribes_again_to_every_type(family, owner, client):
    family.endpoint(owner, events=[family.event_types[0]])

    response = client.put(family.base, {"url": URL}, format="json")

    assert response.json()["events"] == list(family.event_types)
    assert family.endpoint_of(owner).events == list(family.event_types)


def test_get_shows_the_webhook_without_its_secret(family, owner, client):
    endpoint = family.endpoint(owner, url=URL, events=[family.event_types[0]])

    response = client.get(family.base)

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "url": URL,
        "events": [family.event_types[0]],
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert moment(body["created_at"]) == endpoint.created_at
    assert moment(body["updated_at"]) == endpoint.updated_at
    assert endpoint.secret.encode() not in response.content
    assert endpoint.secret_encrypted.encode() not in response.content


def test_get_without_a_webhook_is_404(family, client):
    family.endpoint(family.new_owner())

    response = client.get(family.base)

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_delete_unsubscribes_with_the_deliveries_and_their_log(family, owner, client):
    endpoint = family.endpoint(owner)
    family.attempt(endpoint)

    response = client.delete(family.base)

    assert response.status_code == 204
    assert response.content == b""
    assert client.get(family.base).status_code == 404
    assert not Endpoint.objects.exists()
    assert not Delivery.objects.exists()
    assert not DeliveryAttempt.objects.exists()
    assert Event.objects.count() == 1  # the event itself stays: it happened


def test_delete_without_a_webhook_is_404(family, client):
    family.endpoint(family.new_owner())
    before = snapshot()

    response = client.delete(family.base)

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert snapshot() == before


def test_rotating_the_secret_replaces_it_at_once(family, owner, client):
    endpoint = family.endpoint(owner, url=URL)

    response = client.post(family.rotate)

    assert response.status_code == 200, response.content
    assert list(response.json()) == ["secret"]
    secret = response.json()["secret"]
    assert secret.startswith(signing.SECRET_PREFIX)
    assert secret != endpoint.secret
    stored = family.endpoint_of(owner)
    assert signing.secret_decrypt(stored.secret_encrypted) == secret
    assert signing.secret_decrypt(stored.secret_encrypted) != endpoint.secret
    assert secret not in stored.secret_encrypted
    assert (stored.url, stored.events) == (URL, endpoint.events)


def test_rotating_without_a_webhook_is_404(family, client):
    family.endpoint(family.new_owner())
    before = snapshot()

    response = client.post(family.rotate)

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert snapshot() == before


# --- Bad input ------------------------------------------------------------------------------

FOREIGN = object()  # stands for the family's `foreign_type`


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "http://hooks.example.com/in"}, "url"),
        ({"url": "https://127.0.0.1/"}, "url"),
        ({"url": "https://127.0.0.1:8443/hook"}, "url"),
        ({"url": "https://[::1]/"}, "url"),
        ({"url": "https://[::ffff:127.0.0.1]/"}, "url"),
        ({"url": "https://10.0.0.1/"}, "url"),
        ({"url": "https://192.168.1.10/"}, "url"),
        ({"url": "https://169.254.169.254/latest/meta-data/"}, "url"),
        ({"url": "https://0.0.0.0/"}, "url"),
        ({"url": "https://localhost/"}, "url"),
        ({"url": "https://localhost./"}, "url"),
        ({"url": "https://api.localhost/"}, "url"),
        ({"url": "https://user:pw@example.com/"}, "url"),
        ({"url": "ftp://example.com/"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "https://example.com/" + "a" * 2000}, "url"),
        ({"url": ""}, "url"),
        ({"url": None}, "url"),
        ({"events": ["application.submitted"]}, "url"),
        ({"url": URL, "events": []}, "events"),
        ({"url": URL, "events": ["application.exploded"]}, "events"),
        ({"url": URL, "events": [FOREIGN]}, "events"),
        ({"url": URL, "events": "application.submitted"}, "events"),
        ({"url": URL, "events": {"application.submitted": True}}, "events"),
        ({"url": URL, "events": None}, "events"),
        ([URL], "non_field_errors"),
        (URL, "non_field_errors"),
    ],
)
@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
def test_bad_input_is_400_on_its_field_and_changes_nothing(
    family, owner, client, body, field, existing
):
    if existing:
        family.endpoint(owner, url=URL, events=[family.event_types[0]])
    if isinstance(body, dict) and body.get("events") == [FOREIGN]:
        body = {**body, "events": [family.foreign_type]}
    before = snapshot()

    response = client.put(family.base, body, format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field], response.json()
    assert snapshot() == before


def test_a_body_that_is_not_json_is_400(family, owner, client):
    before = snapshot()

    response = client.put(family.base, b"{url:", content_type="application/json")

    assert response.status_code == 400
    assert snapshot() == before


def test_private_receivers_and_http_are_allowed_when_the_settings_say_so(
    family, owner, client, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE = True

    response = client.put(family.base, {"url": "http://127.0.0.1:9/"}, format="json")

    assert response.status_code == 200, response.content
    assert family.endpoint_of(owner).url == "http://127.0.0.1:9/"


# --- Authentication -------------------------------------------------------------------------


def calls(family: Family) -> list[tuple[str, str]]:
    return [
        ("get", family.base),
        ("put", family.base),
        ("delete", family.base),
        ("post", family.rotate),
        ("get", family.deliveries),
    ]


def call(client: APIClient, method: str, path: str):
    if method == "put":
        return client.put(path, {"url": URL}, format="json")
    return getattr(client, method)(path)


@pytest.mark.parametrize("family", [BANK, PARTNER], ids=["bank", "partner"])
@pytest.mark.parametrize("index", range(5), ids=["get", "put", "delete", "rotate", "deliveries"])
@pytest.mark.parametrize("credentials", ["none", "other family", "wrong token"])
def test_every_endpoint_wants_its_own_familys_credentials(family, index, credentials):
    """A bank's token on the partners' endpoints (or a partner's Bearer token on the banks')
    is no credential at all there: 401, and nothing of either owner is touched."""
    bank, partner = BankFactory(), PartnerFactory()
    EndpointFactory(bank=bank)
    EndpointFactory(partner=partner)
    if credentials == "none":
        client = APIClient()
    elif credentials == "other family":
        client = bearer_client(partner) if family is BANK else bank_client(bank)
    else:
        client = APIClient()
        keyword = "Bank" if family is BANK else "Bearer"
        client.credentials(HTTP_AUTHORIZATION=f"{keyword} not-a-token")
    before = snapshot()
    method, path = calls(family)[index]

    response = call(client, method, path)

    assert response.status_code == 401, response.content
    assert "detail" in response.json()
    assert snapshot() == before


# --- Isolation ------------------------------------------------------------------------------


def test_an_owner_reaches_only_its_own_webhook(family, owner, client):
    other = family.new_owner()
    mine = family.endpoint(owner, url=URL)
    theirs = family.endpoint(other, url=OTHER_URL)
    theirs_before = Endpoint.objects.filter(pk=theirs.pk).values().get()

    assert client.get(family.base).json()["url"] == URL
    assert (
        client.put(family.base, {"url": "https://new.example.com/"}, format="json").json()["secret"]
        is None
    )
    rotated = client.post(family.rotate).json()["secret"]
    assert Endpoint.objects.filter(pk=theirs.pk).values().get() == theirs_before
    assert signing.secret_decrypt(family.endpoint_of(owner).secret_encrypted) == rotated
    assert family.endpoint_of(owner).url == "https://new.example.com/"

    assert client.delete(family.base).status_code == 204

    assert not Endpoint.objects.filter(pk=mine.pk).exists()
    assert Endpoint.objects.filter(pk=theirs.pk).values().get() == theirs_before
    assert signing.secret_decrypt(theirs.secret_encrypted) == theirs.secret


def test_an_owner_without_a_webhook_cannot_reach_anothers(family, owner, client):
    other = family.new_owner()
    family.attempt(family.endpoint(other, url=OTHER_URL))
    before = snapshot()

    assert client.get(family.base).status_code == 404
    assert client.post(family.rotate).status_code == 404
    assert client.delete(family.base).status_code == 404
    assert snapshot() == before

    assert client.put(family.base, {"url": URL}, format="json").status_code == 200
    assert Endpoint.objects.count() == 2
    assert family.endpoint_of(other).url == OTHER_URL


def test_an_owner_without_a_webhook_has_an_empty_delivery_log(family, owner, client):
    family.attempt(family.endpoint(family.new_owner()))

    response = client.get(family.deliveries)

    assert response.status_code == 200, response.content
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_deliveries_list_shows_only_the_owners_attempts(family, owner, client):
    mine = family.attempt(family.endpoint(owner))
    other = family.new_owner()
    family.attempt(family.endpoint(other))
    family.attempt(family.endpoint_of(other))

    body = client.get(family.deliveries).json()

    assert body["count"] == 1
    assert [item["event_id"] for item in body["results"]] == [mine.delivery.event.webhook_id]
    assert family.client(other).get(family.deliveries).json()["count"] == 2


def test_a_partners_and_a_banks_webhooks_are_independent(monkeypatch):
    """A bank and a partner with the same id: neither reaches, nor receives, the other's."""
    shared_id = 987_654
    bank, partner = BankFactory(id=shared_id), PartnerFactory(id=shared_id)
    as_bank, as_partner = bank_client(bank), bearer_client(partner)
    sent = []
    monkeypatch.setattr(
        transport,
        "post",
        lambda url, **kwargs: sent.append(url) or transport.Outcome(200, "", 1),
    )

    assert as_bank.put(BANK.base, {"url": URL}, format="json").status_code == 200
    assert as_partner.get(PARTNER.base).status_code == 404
    assert as_partner.put(PARTNER.base, {"url": OTHER_URL}, format="json").status_code == 200
    assert Endpoint.objects.count() == 2
    assert as_bank.get(BANK.base).json()["url"] == URL

    tasks.event_fan_out(EventFactory(audience=EventAudience.BANK, owner_id=shared_id).pk)
    assert sent == [URL]
    assert list(DeliveryAttempt.objects.values_list("endpoint__bank", "endpoint__partner")) == [
        (bank.pk, None)
    ]

    assert as_partner.delete(PARTNER.base).status_code == 204
    assert as_bank.get(BANK.base).json()["url"] == URL
    assert DeliveryAttempt.objects.filter(endpoint__bank=bank).count() == 1


def test_a_bank_and_a_partner_with_the_same_id_see_only_their_own_log():
    shared_id = 987_654
    bank, partner = BankFactory(id=shared_id), PartnerFactory(id=shared_id)
    BANK.attempt(EndpointFactory(bank=bank))
    partners_endpoint = EndpointFactory(partner=partner)
    PARTNER.attempt(partners_endpoint)
    PARTNER.attempt(partners_endpoint)

    assert bank_client(bank).get(BANK.deliveries).json()["count"] == 1
    assert bearer_client(partner).get(PARTNER.deliveries).json()["count"] == 2


# --- Delivery log ---------------------------------------------------------------------------


def test_the_deliveries_list_shows_each_attempt_newest_first(family, owner, client):
    endpoint = family.endpoint(owner)
    now = timezone.now()
    delivery = DeliveryFactory(endpoint=endpoint)
    first = DeliveryAttemptFactory(
        delivery=delivery,
        number=1,
        status_code=None,
        error="ConnectTimeoutError: timed out",
        attempted_at=now - timedelta(minutes=10),
        next_attempt_at=now - timedelta(minutes=5),
    )
    second = DeliveryAttemptFactory(
        delivery=delivery,
        number=2,
        status_code=204,
        error="",
        attempted_at=now - timedelta(minutes=5),
        delivered_at=now - timedelta(minutes=5),
    )
    other_event = family.attempt(endpoint, attempted_at=now - timedelta(minutes=20))

    response = client.get(family.deliveries)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    assert [item["attempt"] for item in body["results"]] == [2, 1, 1]
    newest, older, oldest = body["results"]
    assert newest == {
        "event_id": "evt_" + delivery.event.uid.hex,
        "type": "application.submitted",
        "attempt": 2,
        "status_code": 204,
        "attempted_at": newest["attempted_at"],
        "delivered_at": newest["delivered_at"],
        "next_attempt_at": None,
        "error": "",
    }
    assert moment(newest["attempted_at"]) == second.attempted_at
    assert moment(newest["delivered_at"]) == second.delivered_at
    assert older == {
        "event_id": "evt_" + delivery.event.uid.hex,
        "type": "application.submitted",
        "attempt": 1,
        "status_code": None,
        "attempted_at": older["attempted_at"],
        "delivered_at": None,
        "next_attempt_at": older["next_attempt_at"],
        "error": "ConnectTimeoutError: timed out",
    }
    assert moment(older["attempted_at"]) == first.attempted_at
    assert moment(older["next_attempt_at"]) == first.next_attempt_at
    assert oldest["event_id"] == "evt_" + other_event.delivery.event.uid.hex


def test_the_deliveries_list_is_paginated(family, owner, client):
    endpoint = family.endpoint(owner)
    for _ in range(3):
        family.attempt(endpoint)

    first = client.get(f"{family.deliveries}?page_size=2").json()
    second = client.get(first["next"]).json()

    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert second["next"] is None
    assert second["previous"] is not None
    assert len(second["results"]) == 1
    seen = [item["event_id"] for item in first["results"] + second["results"]]
    assert len(set(seen)) == 3


@pytest.mark.parametrize("count", [3, 30])
def test_the_deliveries_list_runs_a_constant_number_of_queries(
    family, owner, client, django_assert_max_num_queries, count
):
    endpoint = family.endpoint(owner)
    for _ in range(count):
        family.attempt(endpoint)

    with django_assert_max_num_queries(DELIVERIES_QUERIES):
        response = client.get(family.deliveries)

    assert response.status_code == 200
    assert len(response.json()["results"]) == count


# --- End to end -----------------------------------------------------------------------------


def item_of(client: APIClient, path: str, order_id: int) -> dict:
    body = client.get(path).json()
    return next(item for item in body["results"] if item["id"] == order_id)


def test_an_application_reaches_the_banks_and_the_partners_webhooks_signed(
    api_client, django_capture_on_commit_callbacks, monkeypatch
):
    bank, partner = BankFactory(), PartnerFactory()
    product = ProductFactory(bank=bank)
    as_bank, as_partner = bank_client(bank), bearer_client(partner)
    bank_url, partner_url = "https://bank.example.com/hooks", "https://partner.example.com/in"
    bank_secret = as_bank.put(BANK.base, {"url": bank_url}, format="json").json()["secret"]
    partner_secret = as_partner.put(PARTNER.base, {"url": partner_url}, format="json").json()[
        "secret"
    ]
    sent = []

    def post(url, *, body, headers):
        sent.append((url, body, headers))
        return transport.Outcome(200, "", 3)

    monkeypatch.setattr(transport, "post", post)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(link(partner.username, product.pk), form(), format="json")

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    bank_event = Event.objects.get(audience=EventAudience.BANK)
    partner_event = Event.objects.get(audience=EventAudience.PARTNER)
    assert (bank_event.type, bank_event.owner_id) == ("application.submitted", bank.pk)
    assert (partner_event.type, partner_event.owner_id) == ("application.submitted", partner.pk)
    assert bank_event.data == item_of(as_bank, "/api/bank/orders/", order.pk)
    assert partner_event.data == item_of(as_partner, "/api/orders/", order.pk)
    assert bank_event.dispatched_at is not None
    assert partner_event.dispatched_at is not None

    assert sorted(url for url, _, _ in sent) == sorted([bank_url, partner_url])
    for url, body, headers in sent:
        event, secret = (
            (bank_event, bank_secret) if url == bank_url else (partner_event, partner_secret)
        )
        assert json.loads(body) == {
            "type": "application.submitted",
            "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),  # as the API writes
            "data": event.data,
        }
        assert headers["webhook-id"] == event.webhook_id
        assert headers["Content-Type"] == "application/json"
        Webhook(secret).verify(body, headers)
        wrong = bank_secret if secret == partner_secret else partner_secret
        with pytest.raises(WebhookVerificationError):
            Webhook(wrong).verify(body, headers)

    assert sorted(
        Delivery.objects.values_list("event__audience", "status", "attempts", "last_status_code")
    ) == [("bank", "succeeded", 1, 200), ("partner", "succeeded", 1, 200)]
    assert DeliveryAttempt.objects.filter(status_code=200, delivered_at__isnull=False).count() == 2


@pytest.mark.parametrize("events", [[{}], ["application.submitted", 5], [["x"]]])
def test_an_item_of_events_that_is_no_type_is_one_flat_message_list(family, client, events):
    response = client.put(family.base, {"url": URL, "events": events})

    assert response.status_code == 400
    messages = response.json()["events"]
    assert isinstance(messages, list)
    assert all(isinstance(message, str) for message in messages)
