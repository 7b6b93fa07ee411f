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
    # The request's tasks (its events, its e-mail) were one message (tests/test_task_batch.py).
    assert "Could not hand core.tasks.run_batch to the broker" in caplog.text


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
