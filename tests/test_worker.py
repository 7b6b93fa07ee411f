"""A real Celery worker (`celery -A config worker --beat`) on Redis delivers the events end to
end: this process submits applications through the API and publishes to the broker, the worker
(another process, on the same test database) signs and POSTs them to a receiver here, which
verifies each signature with `standardwebhooks`.

Needs Redis (`REDIS_URL`) and PostgreSQL: skipped elsewhere, required in CI.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from kombu import Connection
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from catalog.tests.factories import ProductFactory
from core.models import Event, EventAudience
from core.tasks import run, send_email
from orders.tests.helpers import form, link
from referrals.tests.factories import PartnerFactory
from tests.brokers import using_broker
from tests.receivers import start_receiver
from webhooks import services
from webhooks.models import Delivery, DeliveryAttempt

ROOT = Path(__file__).resolve().parent.parent


def _unavailable_reason() -> str | None:
    if connection.vendor != "postgresql":
        return "the worker shares the test database: PostgreSQL"
    if not django_settings.REDIS_URL:
        return "needs Redis as the broker (REDIS_URL)"
    return None


pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


@pytest.fixture
def broker(settings):
    reason = _unavailable_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the worker test: {reason}")
        pytest.skip(reason)
    # The run's own Redis database, and a queue of this test's own: nothing else on the
    # broker is read or removed, and no other worker takes these tasks.
    url = django_settings.REDIS_URL
    queue = f"test-worker-{uuid.uuid4().hex}"
    settings.WEBHOOK_ALLOW_PRIVATE = True
    with using_broker(settings, url, queue=queue):
        yield url, queue
    redis.Redis.from_url(url).delete(queue)


@pytest.fixture
def worker(broker, tmp_path):
    """`celery -A config worker --beat` on the broker and this test's database."""
    url, queue = broker
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DB_NAME": connection.settings_dict["NAME"],
        "CELERY_BROKER_URL": url,
        "CELERY_QUEUE": queue,
        "TASKS_MODE": "celery",
        "WEBHOOK_ALLOW_PRIVATE": "1",
        "WEBHOOK_RETRY_SCHEDULE": "1,1,1",
        "WEBHOOK_SWEEP_SECONDS": "1",
        "SECRET_KEY": django_settings.SECRET_KEY,
    }
    log = tmp_path / "worker.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--beat",
        "--pool=solo",
        f"--queues={queue}",
        "--loglevel=INFO",
        f"--schedule={tmp_path / 'beat-schedule'}",
    ]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        print(log.read_text()[-5000:])  # shown when the test fails


def wait_for(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_worker_delivers_signed_events_and_retries_a_500_with_the_same_id(worker):
    receiver = start_receiver(answers=[500])
    try:
        partner, product = PartnerFactory(), ProductFactory()
        _, secret = services.endpoint_put(
            audience=EventAudience.BANK, owner=product.bank, url=receiver.url, events=None
        )

        response = APIClient().post(link(partner.username, product.pk), form())
        assert response.status_code == 201

        assert receiver.wait(2, timeout=60), "the worker delivered no retry"
    finally:
        receiver.server.shutdown()
    first, second = receiver.requests[:2]
    for request in (first, second):
        payload = Webhook(secret).verify(request.body, request.headers)
        assert payload["type"] == "application.submitted"
        assert payload["data"]["id"] == response.json()["id"]
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    event = Event.objects.get(audience=EventAudience.BANK)
    assert first.headers["webhook-id"] == event.webhook_id
    assert wait_for(lambda: Delivery.objects.filter(status="succeeded").count() == 1, 10)
    codes = list(DeliveryAttempt.objects.order_by("number").values_list("status_code", flat=True))
    assert codes == [500, 200]


def test_the_worker_s_beat_sweeps_an_event_whose_hand_over_was_lost(worker, monkeypatch):
    """Committed, never handed on (as if this process died right after the commit)."""
    receiver = start_receiver()
    try:
        partner, product = PartnerFactory(), ProductFactory()
        _, secret = services.endpoint_put(
            audience=EventAudience.PARTNER, owner=partner, url=receiver.url, events=None
        )
        monkeypatch.setattr("core.outbox.dispatch_events_after_commit", lambda ids: None)

        response = APIClient().post(link(partner.username, product.pk), form())
        assert response.status_code == 201
        assert Event.objects.filter(dispatched_at__isnull=True).count() == 2

        assert receiver.wait(1, timeout=60), "the sweep delivered nothing"
    finally:
        receiver.server.shutdown()
    [request] = receiver.requests
    assert (
        Webhook(secret).verify(request.body, request.headers)["data"]["id"]
        == (response.json()["id"])
    )
    assert wait_for(lambda: not Event.objects.filter(dispatched_at__isnull=True).exists(), 10)


def test_health_reports_the_broker(broker):
    response = APIClient().get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


@pytest.fixture
def rabbitmq(settings):
    """The local RabbitMQ (guest account), with a queue of this test's own."""
    url = "amqp://guest:guest@127.0.0.1:5672//"
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=1).close()
    except OSError:
        if os.environ.get("CI"):
            pytest.fail("CI must run the RabbitMQ test: nothing answers on 127.0.0.1:5672")
        pytest.skip("no RabbitMQ on 127.0.0.1:5672")
    queue = f"test-rabbitmq-{uuid.uuid4().hex}"
    with using_broker(settings, url, queue=queue):
        yield url, queue
    with Connection(url) as conn:
        conn.default_channel.queue_delete(queue)


def test_rabbitmq_works_as_the_broker(rabbitmq):
    """`CELERY_BROKER_URL=amqp://...`: health reports it, and a task goes through it."""
    url, queue = rabbitmq

    health = APIClient().get("/health/")
    run(send_email, "client@example.com", "Subject", "Body")

    assert health.status_code == 200
    assert health.json()["broker"] == "ok"
    with Connection(url) as conn:
        message = conn.SimpleQueue(queue).get(timeout=10)
        message.ack()
    assert message.headers["task"] == "core.tasks.send_email"
