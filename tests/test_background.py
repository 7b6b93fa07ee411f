"""Nothing slow runs inside a request (SPEC §7, §11): a mail server or a webhook receiver that
never answers delays no API answer, and a broker that is down fails no request.

The proof is an order of events, not a timing: the response has come back while the hanging
server still holds the connection the background task opened to it (had the request waited
for it, the request would only have returned once the client gave up and closed it).
"""

import socket
import time

import pytest
from rest_framework.test import APIClient

from catalog.tests.factories import ProductFactory
from core import tasks
from core.models import Event, EventAudience
from orders.tests.factories import OrderFactory
from orders.tests.helpers import form, link
from referrals.tests.factories import PartnerFactory
from tests.brokers import using_broker
from tests.clients import bank_client
from tests.receivers import HangingServer
from webhooks import services

pytestmark = pytest.mark.django_db(transaction=True)


def still_open(conn: socket.socket) -> bool:
    """The other side has neither sent anything nor closed the connection."""
    conn.setblocking(False)
    try:
        return conn.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    finally:
        conn.setblocking(True)


@pytest.fixture
def hanging():
    server = HangingServer()
    yield server
    server.close()  # the background task's connection drops: it logs and ends
    assert tasks.wait_for_threads(timeout=30)


@pytest.fixture
def in_threads(settings, monkeypatch):
    """`make run`'s mode: no broker, tasks in threads of this process (sweeper not started:
    a test calls the sweep itself)."""
    settings.TASKS_MODE = "thread"
    monkeypatch.setattr(tasks, "_sweeper_started", True)


def test_a_hanging_mail_server_delays_no_application(settings, in_threads, hanging):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", hanging.port, 60
    partner, product = PartnerFactory(), ProductFactory()

    response = APIClient().post(link(partner.username, product.pk), form())

    assert response.status_code == 201
    assert hanging.accepted.wait(10)  # the e-mail task has connected...
    time.sleep(0.2)
    assert still_open(hanging.connections[0])  # ...and still waits for the server's greeting


def test_a_hanging_mail_server_delays_no_bank_decision(settings, in_threads, hanging):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", hanging.port, 60
    order = OrderFactory(partner=PartnerFactory(email="anna@example.com"))
    bank = bank_client(order.product.bank)

    response = bank.patch(f"/api/bank/orders/{order.pk}/", {"status": "approved"})

    assert response.status_code == 200
    assert hanging.accepted.wait(10)
    time.sleep(0.2)
    assert still_open(hanging.connections[0])


def test_a_hanging_webhook_receiver_delays_no_application(settings, in_threads, hanging):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT = 60
    partner, product = PartnerFactory(), ProductFactory()
    services.endpoint_put(
        audience=EventAudience.BANK,
        owner=product.bank,
        url=f"http://127.0.0.1:{hanging.port}/hook",
        events=None,
    )

    response = APIClient().post(link(partner.username, product.pk), form())

    assert response.status_code == 201
    assert hanging.accepted.wait(10)  # the delivery has connected and waits for an answer
    time.sleep(0.2)
    assert still_open(hanging.connections[0])


@pytest.fixture
def broker_down(settings):
    """A broker nobody listens on."""
    with using_broker(settings, "redis://127.0.0.1:1/0") as url:
        yield url


def test_a_broker_that_is_down_fails_no_application_and_loses_no_event(broker_down, caplog):
    partner, product = PartnerFactory(), ProductFactory()

    response = APIClient().post(link(partner.username, product.pk), form())

    assert response.status_code == 201
    # Both events committed, neither handed on: the sweep will, once the broker is back.
    assert Event.objects.filter(dispatched_at__isnull=True).count() == 2
    assert "Could not hand webhooks.tasks.events_fan_out to the broker" in caplog.text


def test_health_reports_a_broker_that_is_down(broker_down):
    response = APIClient().get("/health/")

    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response["Retry-After"]


def test_health_names_no_broker_when_none_is_configured(settings):
    settings.CELERY_BROKER_URL = ""

    response = APIClient().get("/health/")

    assert response.status_code == 200
    assert "broker" not in response.json()


def test_an_application_is_two_messages_to_the_broker_its_events_in_one(settings):
    """One message for the events of a change, whatever the number of receivers (the bank's
    and the partner's here), and one for the client's e-mail: each publish is a round trip the
    request waits for."""
    import base64
    import json
    import os

    import redis

    url = os.environ.get("REDIS_URL", "")
    url = url if url.startswith("redis://") else "redis://127.0.0.1:6379/15"
    queue = f"test-messages-{os.getpid()}"
    store = redis.Redis.from_url(url)
    try:
        store.ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not running at {url}")
    partner, product = PartnerFactory(), ProductFactory()
    try:
        with using_broker(settings, url, queue=queue):
            response = APIClient().post(link(partner.username, product.pk), form())
        messages = [json.loads(raw) for raw in store.lrange(queue, 0, -1)]
    finally:
        store.delete(queue)

    assert response.status_code == 201
    published = sorted(message["headers"]["task"] for message in messages)
    assert published == ["core.tasks.send_email", "webhooks.tasks.events_fan_out"]
    [fan_out] = [m for m in messages if m["headers"]["task"] == "webhooks.tasks.events_fan_out"]
    args, _kwargs, _options = json.loads(base64.b64decode(fan_out["body"]))
    assert sorted(args[0]) == sorted(Event.objects.values_list("pk", flat=True))
    assert len(args[0]) == 2
