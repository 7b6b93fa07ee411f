"""Deliveries to a real receiver on loopback: signed per Standard Webhooks, retried with the
same `webhook-id`, failed after the schedule, never redirected, only to the event's owner.

The tasks run inline (test settings): right after the commit, in the test's own thread; the
receiver answers from a thread of its own. `WEBHOOK_ALLOW_PRIVATE` lets it be on 127.0.0.1.
"""

import contextlib
import json
import socket
import threading
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from catalog.tests.factories import ProductFactory
from core.models import Event, EventAudience
from orders.tests.factories import OrderFactory
from orders.tests.helpers import form, link
from payouts import decisions
from referrals.tests.factories import PartnerFactory
from tests.receivers import HangingServer, start_receiver
from webhooks import services, tasks, transport
from webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus
from webhooks.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_RETRY_SCHEDULE = [5, 300, 1800]


@pytest.fixture
def receiver():
    receiver = start_receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def product():
    return ProductFactory()


def subscribe_bank(bank, url: str, events=None) -> str:
    _, secret = services.endpoint_put(
        audience=EventAudience.BANK, owner=bank, url=url, events=events
    )
    return secret


def subscribe_partner(partner, url: str, events=None) -> str:
    _, secret = services.endpoint_put(
        audience=EventAudience.PARTNER, owner=partner, url=url, events=events
    )
    return secret


def apply(partner, product, capture, **fields):
    with capture(execute=True):
        response = APIClient().post(link(partner.username, product.pk), form(**fields))
    assert response.status_code == 201, response.content
    return response.json()


def make_due(delivery_id: int) -> None:
    """The next attempt's time has come, and gone past the countdown that was to bring it
    (inline, countdowns are not run: the sweep takes over)."""
    Delivery.objects.filter(pk=delivery_id, status="pending").update(
        next_attempt_at=timezone.now() - timedelta(seconds=1), handed_on_at=None
    )


def test_the_bank_receives_a_signed_application_submitted(
    partner, product, receiver, django_capture_on_commit_callbacks
):
    secret = subscribe_bank(product.bank, receiver.url)

    order = apply(partner, product, django_capture_on_commit_callbacks)

    [request] = receiver.requests
    payload = Webhook(secret).verify(request.body, request.headers)
    assert payload["type"] == "application.submitted"
    assert payload["data"]["id"] == order["id"]
    assert payload["data"]["status"] == "new"
    assert "reward" not in payload["data"]  # the bank's shape: no partner money
    event = Event.objects.get(audience=EventAudience.BANK, type="application.submitted")
    assert request.headers["webhook-id"] == event.webhook_id
    assert request.headers["Content-Type"] == "application/json"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.SUCCEEDED,
        1,
        200,
    )
    assert delivery.delivered_at is not None
    event.refresh_from_db()
    assert event.dispatched_at is not None


def test_a_signature_made_with_another_secret_does_not_verify(
    partner, product, receiver, django_capture_on_commit_callbacks
):
    subscribe_bank(product.bank, receiver.url)
    apply(partner, product, django_capture_on_commit_callbacks)

    [request] = receiver.requests
    other = services.signing.secret_new()
    with pytest.raises(Exception, match="signature"):
        Webhook(other).verify(request.body, request.headers)


def test_a_500_is_retried_with_the_same_webhook_id(
    partner, product, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    secret = subscribe_bank(product.bank, receiver.url)
    apply(partner, product, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 4 <= wait <= 5.6  # the schedule's first delay, 5 s, with +-10 % jitter

    make_due(delivery.pk)
    tasks.sweep()

    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert Webhook(secret).verify(second.body, second.headers)["type"] == "application.submitted"
    assert first.body == second.body
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 2, 200)
    log = list(DeliveryAttempt.objects.order_by("number").values_list("number", "status_code"))
    assert log == [(1, 500), (2, 200)]


def test_a_delivery_fails_after_the_last_attempt_of_the_schedule(
    partner, product, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_RETRY_SCHEDULE = [5, 5]
    receiver.default = 503
    subscribe_bank(product.bank, receiver.url)
    apply(partner, product, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()

    for _ in range(5):  # more sweeps than the schedule has attempts
        make_due(delivery.pk)
        tasks.sweep()

    delivery.refresh_from_db()
    assert len(receiver.requests) == 3  # the first attempt and one per delay
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 3, None)
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 3


def test_a_redirect_is_not_followed(partner, product, django_capture_on_commit_callbacks):
    target = start_receiver()
    redirecting = start_receiver(answers=[302], location=target.url)
    try:
        subscribe_bank(product.bank, redirecting.url)
        apply(partner, product, django_capture_on_commit_callbacks)
    finally:
        redirecting.server.shutdown()
        target.server.shutdown()

    assert len(redirecting.requests) == 1
    assert target.requests == []
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == ("pending", 302)
    assert "Redirects are not followed" in delivery.last_error


def test_a_receiver_that_never_answers_is_given_up_on_after_the_timeout(
    partner, product, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_TIMEOUT = 1
    hanging = HangingServer()
    try:
        subscribe_bank(product.bank, f"http://127.0.0.1:{hanging.port}/hook")
        apply(partner, product, django_capture_on_commit_callbacks)
    finally:
        hanging.close()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert "Timeout" in delivery.last_error
    attempt = DeliveryAttempt.objects.get()
    assert 900 <= attempt.duration_ms < 5000


def test_events_go_only_to_their_own_bank_and_partner(django_capture_on_commit_callbacks):
    ours, theirs = ProductFactory(), ProductFactory()
    partner, other_partner = PartnerFactory(), PartnerFactory()
    bank_receiver, other_bank_receiver = start_receiver(), start_receiver()
    partner_receiver, other_partner_receiver = start_receiver(), start_receiver()
    receivers = [bank_receiver, other_bank_receiver, partner_receiver, other_partner_receiver]
    try:
        subscribe_bank(ours.bank, bank_receiver.url)
        subscribe_bank(theirs.bank, other_bank_receiver.url)
        subscribe_partner(partner, partner_receiver.url)
        subscribe_partner(other_partner, other_partner_receiver.url)

        order = apply(partner, ours, django_capture_on_commit_callbacks)
    finally:
        for receiver in receivers:
            receiver.server.shutdown()

    assert other_bank_receiver.requests == []
    assert other_partner_receiver.requests == []
    [to_bank] = bank_receiver.requests
    [to_partner] = partner_receiver.requests
    bank_data = json.loads(to_bank.body)["data"]
    partner_data = json.loads(to_partner.body)["data"]
    assert bank_data["id"] == partner_data["id"] == order["id"]
    assert "channel" in partner_data and "channel" not in bank_data  # each its own API's shape
    assert to_bank.headers["webhook-id"] != to_partner.headers["webhook-id"]


def test_only_the_subscribed_types_are_delivered(
    partner, product, receiver, django_capture_on_commit_callbacks
):
    subscribe_bank(product.bank, receiver.url, events=["application.decided"])

    apply(partner, product, django_capture_on_commit_callbacks)

    assert receiver.requests == []
    assert not Delivery.objects.exists()
    assert Event.objects.get(audience=EventAudience.BANK).dispatched_at is not None


def test_an_event_of_an_owner_without_a_webhook_is_marked_dispatched_in_three_queries(
    django_assert_max_num_queries,
):
    """The usual case, on every application and decision: no transaction, no look-up of
    deliveries that cannot exist (the event, the owner's endpoints, the mark)."""
    event = EventFactory(audience=EventAudience.BANK, owner_id=ProductFactory().bank_id)

    with django_assert_max_num_queries(3):
        assert services.event_fan_out(event_id=event.pk) == []

    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert not Delivery.objects.exists()


def test_an_event_handed_on_again_still_attempts_its_pending_deliveries(
    partner, product, receiver, django_capture_on_commit_callbacks
):
    """A second fan-out (the sweep, a lost task) still finds what the first one created, even
    once the endpoint has stopped receiving the type (the attempt records it as such)."""
    subscribe_bank(product.bank, receiver.url)
    with django_capture_on_commit_callbacks(execute=False):  # the first hand-over is lost
        APIClient().post(link(partner.username, product.pk), form())
    event = Event.objects.get(audience=EventAudience.BANK)
    [delivery_id] = services.event_fan_out(event_id=event.pk)
    subscribe_bank(product.bank, receiver.url, events=["application.decided"])

    assert services.event_fan_out(event_id=event.pk) == [delivery_id]


def test_an_event_whose_hand_over_was_lost_is_delivered_by_the_sweep(
    partner, product, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A crash between the commit and the hand-over: the event is committed, not dispatched."""
    settings.WEBHOOK_SWEEP_SECONDS = 0
    secret = subscribe_bank(product.bank, receiver.url)
    monkeypatch.setattr("core.outbox.dispatch_events_after_commit", lambda ids: None)

    order = apply(partner, product, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert Event.objects.filter(dispatched_at__isnull=True).count() == 2  # bank's and partner's

    tasks.sweep()

    [request] = receiver.requests
    assert Webhook(secret).verify(request.body, request.headers)["data"]["id"] == order["id"]
    assert not Event.objects.filter(dispatched_at__isnull=True).exists()
    tasks.sweep()  # a second sweep sends nothing again
    assert len(receiver.requests) == 1


def test_a_rotated_secret_signs_the_next_attempts(
    partner, product, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    old = subscribe_bank(product.bank, receiver.url)
    apply(partner, product, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.select_related("endpoint").get()

    new = services.endpoint_rotate_secret(endpoint=delivery.endpoint)
    make_due(delivery.pk)
    tasks.sweep()

    retry = receiver.requests[1]
    assert Webhook(new).verify(retry.body, retry.headers)
    with pytest.raises(Exception, match="signature"):
        Webhook(old).verify(retry.body, retry.headers)


def test_a_claimed_delivery_is_not_sent_twice(
    partner, product, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    subscribe_bank(product.bank, receiver.url)
    apply(partner, product, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    make_due(delivery.pk)

    assert services._claim(delivery.pk, now=timezone.now()) is not None  # another worker's
    tasks.sweep()
    tasks.delivery_attempt(delivery.pk)

    assert len(receiver.requests) == 1


def test_an_attempt_overtaken_by_a_redelivery_drops_its_result(
    partner, product, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    """An admin redelivers while an attempt is in flight: the redelivery's result stands, the
    older attempt's (here a 500, arriving last) is dropped, not written over it."""
    receiver.answers = [500]
    subscribe_bank(product.bank, receiver.url)
    apply(partner, product, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    make_due(delivery.pk)
    real_post = services.transport.post

    def slow_post(url, **kwargs):
        real_post(url, **kwargs)  # the receiver has it (and answers 500 here)...
        services.delivery_redeliver(delivery=delivery)  # ...meanwhile an admin sends it again
        monkeypatch.setattr(services.transport, "post", real_post)
        tasks.delivery_attempt(delivery.pk)  # which succeeds at once
        return transport.Outcome(500, "The receiver answered 500.", 1)

    monkeypatch.setattr(services.transport, "post", slow_post)
    receiver.answers = [500, 200]
    tasks.delivery_attempt(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)


def test_an_attempt_that_cannot_even_be_made_is_counted_and_scheduled(
    partner, product, receiver, settings, django_capture_on_commit_callbacks
):
    """A secret no key decrypts any more (the keys changed): a failed attempt in the log,
    the schedule moves on; the delivery is never stuck pending with nothing to show."""
    subscribe_bank(product.bank, receiver.url)
    settings.WEBHOOK_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    apply(partner, product, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error == "Not sent: InvalidToken."
    assert DeliveryAttempt.objects.get().error == "Not sent: InvalidToken."
    assert receiver.requests == []


def test_a_type_unsubscribed_before_a_retry_is_not_sent(
    partner, product, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    subscribe_bank(product.bank, receiver.url)
    apply(partner, product, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    subscribe_bank(product.bank, receiver.url, events=["application.decided"])

    make_due(delivery.pk)
    tasks.sweep()

    delivery.refresh_from_db()
    assert len(receiver.requests) == 1
    assert (delivery.status, delivery.last_error) == ("failed", services.UNSUBSCRIBED)


def test_the_sweep_hands_a_due_delivery_on_once_while_its_task_is_on_its_way(
    partner, product, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    subscribe_bank(product.bank, receiver.url)
    apply(partner, product, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    make_due(delivery.pk)
    handed = []
    monkeypatch.setattr(tasks, "run", lambda task, *args, **kwargs: handed.append(args))

    for _ in range(3):
        tasks.sweep()

    assert handed == [(delivery.pk,)]  # queued once, not once per sweep


@pytest.mark.parametrize("attempts", [1, 2, 3])
def test_retry_delays_follow_the_schedule_with_jitter(attempts):
    schedule = [5, 300, 1800]
    delays = [services.retry_delay(attempts, schedule) for _ in range(50)]

    base = schedule[attempts - 1]
    assert all(0.9 * base <= delay <= 1.1 * base for delay in delays)
    assert len(set(delays)) > 1


def test_there_is_no_retry_after_the_schedule():
    assert services.retry_delay(4, [5, 300, 1800]) is None


@pytest.mark.parametrize("who", [EventAudience.BANK, EventAudience.PARTNER])
def test_a_deactivated_bank_or_partner_receives_nothing(
    who, partner, product, receiver, django_capture_on_commit_callbacks
):
    order = OrderFactory(partner=partner, product=product)
    owner = product.bank if who == EventAudience.BANK else partner
    subscribe = subscribe_bank if who == EventAudience.BANK else subscribe_partner
    subscribe(owner, receiver.url)
    owner.is_active = False
    owner.save()

    with django_capture_on_commit_callbacks(execute=True):
        decisions.admin_decision_apply(order_id=order.pk, status="rejected")

    assert Event.objects.filter(audience=who, type="application.decided").exists()
    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_the_sweep_forgets_events_past_their_retention_but_not_pending_ones(
    partner, product, receiver, settings, django_capture_on_commit_callbacks
):
    settings.EVENTS_RETENTION_DAYS = 30
    subscribe_bank(product.bank, receiver.url)
    apply(
        partner,
        product,
        django_capture_on_commit_callbacks,
        phone="+79990000001",
        email_client="a@example.com",
    )
    receiver.answers = [500]
    apply(
        partner,
        product,
        django_capture_on_commit_callbacks,
        phone="+79990000002",
        email_client="b@example.com",
    )
    Event.objects.update(created_at=timezone.now() - timedelta(days=31))
    pending = Delivery.objects.get(status="pending")

    tasks.sweep()

    # The delivered one's events (bank's and partner's) are gone with their log; the event
    # still pending stays, with its delivery.
    assert list(Event.objects.values_list("pk", flat=True)) == [pending.event_id]
    assert list(Delivery.objects.values_list("pk", flat=True)) == [pending.pk]


def test_a_receiver_that_answers_a_byte_at_a_time_is_cut_off_at_the_deadline(
    partner, product, settings, django_capture_on_commit_callbacks
):
    """The timeout is a deadline for the whole exchange, not for each read: a 200 dripped out
    over four seconds is cut off after one, and does not count as delivered."""
    settings.WEBHOOK_TIMEOUT = 1
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    stop = threading.Event()

    def drip() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        with contextlib.suppress(OSError):
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
                if stop.wait(0.1):
                    break
                conn.send(bytes([byte]))
        conn.close()

    threading.Thread(target=drip, daemon=True).start()
    try:
        subscribe_bank(product.bank, f"http://127.0.0.1:{server.getsockname()[1]}/hook")
        apply(partner, product, django_capture_on_commit_callbacks)
    finally:
        stop.set()
        server.close()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error.startswith("Timeout")
    assert DeliveryAttempt.objects.get().duration_ms < 3000  # not the 4 s of the drip
