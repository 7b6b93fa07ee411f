"""A request publishes its background tasks to the broker in one message (`core.tasks.
one_message`, `core.middleware.TaskBatchMiddleware`), which the worker fans out.

Read off a real Redis broker, in a queue of each test's own that no worker reads. Needs Redis
(`REDIS_URL`): skipped elsewhere, required in CI.
"""

import base64
import json
import os
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from catalog.tests.factories import ProductFactory
from core.models import Event
from core.tasks import one_message, run, run_batch, send_email
from orders.tests.factories import OrderFactory
from orders.tests.helpers import form, link
from referrals.tests.factories import PartnerFactory
from tests.brokers import using_broker
from tests.clients import bank_client

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS_TASK = "webhooks.tasks.events_fan_out"


@pytest.fixture
def queue(settings):
    url = django_settings.REDIS_URL
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must run the broker tests: REDIS_URL is not set")
        pytest.skip("needs Redis as the broker (REDIS_URL)")
    name = f"test-batch-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(url)
    with using_broker(settings, url, queue=name):

        def published() -> list[tuple[str, list]]:
            """The (task, args) of each message in the queue, oldest first."""
            found = []
            for raw in reversed(client.lrange(name, 0, -1)):
                message = json.loads(raw)
                args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
                found.append((message["headers"]["task"], args))
            return found

        yield published
    client.delete(name)


def test_an_application_publishes_its_events_and_its_e_mail_in_one_message(queue):
    partner, product = PartnerFactory(), ProductFactory()

    response = APIClient().post(link(partner.username, product.pk), form())

    assert response.status_code == 201
    [(task, [entries])] = queue()
    assert task == "core.tasks.run_batch"
    event_ids = sorted(Event.objects.values_list("pk", flat=True))
    assert [name for name, _ in entries] == [EVENTS_TASK, "core.tasks.send_email"]
    assert sorted(entries[0][1][0]) == event_ids and len(event_ids) == 2
    assert entries[1][1][0] == "client@example.com"


def test_the_worker_fans_the_batch_out_into_the_tasks_themselves(queue):
    partner, product = PartnerFactory(), ProductFactory()
    APIClient().post(link(partner.username, product.pk), form())
    [(_, [entries])] = queue()

    run_batch(entries)  # what the worker runs for the message

    assert queue()[1:] == [(name, args) for name, args in entries]


def test_a_decision_publishes_once(queue):
    order = OrderFactory(partner=PartnerFactory(email="anna@example.com"))

    response = bank_client(order.product.bank).patch(
        f"/api/bank/orders/{order.pk}/", {"status": "approved"}
    )

    assert response.status_code == 200
    [(task, [entries])] = queue()
    assert task == "core.tasks.run_batch"
    names = [name for name, _ in entries]
    assert "core.tasks.send_email" in names and EVENTS_TASK in names
    published_ids = sorted(i for name, args in entries if name == EVENTS_TASK for i in args[0])
    assert published_ids == sorted(Event.objects.values_list("pk", flat=True))


def test_a_single_task_goes_as_itself_and_a_refused_request_publishes_nothing(queue):
    order = OrderFactory(partner=PartnerFactory(email="anna@example.com"))
    bank = bank_client(order.product.bank)

    viewed = bank.patch(f"/api/bank/orders/{order.pk}/", {"view": True})  # no e-mail for it

    assert viewed.status_code == 200
    [(task, [event_ids])] = queue()
    assert task == EVENTS_TASK
    assert sorted(event_ids) == sorted(Event.objects.values_list("pk", flat=True))

    client = APIClient()
    partner, product = PartnerFactory(), ProductFactory()
    assert client.post(link(partner.username, product.pk), form()).status_code == 201
    duplicate = client.post(link(partner.username, product.pk), form())

    assert duplicate.status_code == 409
    assert len(queue()) == 2


def test_outside_a_request_a_task_is_published_at_once(queue):
    run(send_email, "a@example.com", "Subject", "Body")
    assert queue() == [("core.tasks.send_email", ["a@example.com", "Subject", "Body"])]

    with one_message():
        run(send_email, "b@example.com", "Subject", "Body")
        run(send_email, "c@example.com", "Subject", "Body")
        assert len(queue()) == 1  # held until the block ends
    with pytest.raises(RuntimeError), one_message():
        run(send_email, "d@example.com", "Subject", "Body")
        raise RuntimeError  # what was handed on before the error still goes

    assert [task for task, _ in queue()] == [
        "core.tasks.send_email",
        "core.tasks.run_batch",
        "core.tasks.send_email",
    ]
