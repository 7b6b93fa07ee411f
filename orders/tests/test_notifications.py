"""E-mails about applications: to the client on submission, to the partner on a decision.

They leave only once the transaction that caused them commits, and a failing mail server
never fails the request.
"""

import logging
import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from catalog.services import bank_issue_token
from catalog.tests.factories import ProductFactory
from orders import services
from orders.models import Order, OrderStatusChange
from orders.tests.factories import DraftFactory, OrderFactory
from orders.tests.helpers import link
from tests.clients import bank_client

pytestmark = pytest.mark.django_db

CLIENT = {"income": "100.00", "email_client": "client@example.com", "phone": "+79991234567"}


def decide(order, body: dict, *, how: str):
    """The bank's decision, by `PATCH /api/bank/orders/{id}/` or the seed's PUT callback."""
    bank = order.product.bank
    if how == "PATCH":
        return bank_client(bank).patch(f"/api/bank/orders/{order.pk}/", body, format="json")
    token = bank_issue_token(bank=bank)
    return APIClient().put(f"/api/order/{order.pk}/{token}/", body, format="json")


@pytest.fixture
def product():
    return ProductFactory(name="Cashback card")


# --- To the client ------------------------------------------------------------------------


def test_client_gets_one_email_when_applying_through_the_link(
    partner, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post(link(partner.username, product.pk), CLIENT, format="json")

    assert response.status_code == 201
    [message] = mail.outbox
    assert message.to == ["client@example.com"]
    assert "Cashback card" in message.subject
    assert f"#{response.json()['id']}" in message.body
    assert product.bank.name in message.body


def test_client_gets_one_email_when_the_partner_confirms_a_draft(
    partner, partner_client, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = partner_client.post("/api/orders/", {"product": product.pk}, format="json")
    assert created.status_code == 201
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = partner_client.post(
            f"/api/orders/{created.json()['id']}/confirm/", CLIENT, format="json"
        )

    assert response.status_code == 200
    [message] = mail.outbox
    assert message.to == ["client@example.com"]
    assert "Cashback card" in message.subject


def test_deleting_a_draft_sends_nothing(
    partner, partner_client, product, django_capture_on_commit_callbacks
):
    draft = DraftFactory(partner=partner, product=product, email_client="client@example.com")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = partner_client.delete(f"/api/orders/{draft.pk}/")

    assert response.status_code == 204
    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.parametrize("refusal", ["duplicate through the link", "duplicate draft"])
def test_a_refused_application_sends_nothing(
    partner, partner_client, product, django_capture_on_commit_callbacks, refusal
):
    OrderFactory(product=product, phone=CLIENT["phone"])
    draft = DraftFactory(partner=partner, product=product)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        if refusal == "duplicate through the link":
            response = APIClient().post(link(partner.username, product.pk), CLIENT, format="json")
        else:
            response = partner_client.post(f"/api/orders/{draft.pk}/confirm/", CLIENT)

    assert response.status_code == 409
    assert callbacks == []
    assert mail.outbox == []


# --- To the partner -----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["PATCH", "PUT"])
@pytest.mark.parametrize(
    ("body", "outcome"),
    [
        ({"status": "approved"}, "approved"),
        ({"approval": True}, "approved"),
        ({"status": "rejected", "reason": "Income not confirmed"}, "rejected"),
    ],
)
def test_partner_gets_one_email_when_the_bank_decides(
    partner, product, django_capture_on_commit_callbacks, how, body, outcome
):
    product.percent_user = Decimal("1.50")
    product.save()
    order = OrderFactory(partner=partner, product=product, income=Decimal("1000.00"))

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(order, body, how=how)

    assert response.status_code == 200
    assert response.json()["status"] == outcome
    [message] = mail.outbox
    assert message.to == [partner.email]
    assert message.subject == f"Application #{order.pk} was {outcome}"
    assert "Cashback card" in message.body
    assert ("15.00" in message.body) is (outcome == "approved")
    assert "client@example.com" not in message.body


@pytest.mark.parametrize("how", ["PATCH", "PUT"])
@pytest.mark.parametrize("body", [{"view": True}, {"status": "viewed"}, {"approval": False}])
def test_partner_gets_no_email_when_the_application_is_merely_viewed(
    partner, product, django_capture_on_commit_callbacks, how, body
):
    order = OrderFactory(partner=partner, product=product)

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(order, body, how=how)

    assert response.status_code == 200
    assert mail.outbox == []


@pytest.mark.parametrize("decision", ["approved", "rejected"])
def test_partner_without_an_email_gets_none(decision, django_capture_on_commit_callbacks):
    partner = UserFactory(email="")
    order = OrderFactory(partner=partner)

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(order, {"status": decision}, how="PATCH")

    assert response.status_code == 200
    assert Order.objects.get(pk=order.pk).status == decision
    assert mail.outbox == []


def test_repeating_a_decision_sends_no_second_email(
    partner, product, django_capture_on_commit_callbacks
):
    order = OrderFactory(partner=partner, product=product)
    with django_capture_on_commit_callbacks(execute=True):
        assert decide(order, {"status": "approved"}, how="PATCH").status_code == 200
    assert len(mail.outbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        again = decide(order, {"approval": True}, how="PUT")
        contradiction = decide(order, {"status": "rejected"}, how="PATCH")

    assert again.status_code == 200
    assert contradiction.status_code == 409
    assert len(mail.outbox) == 1


# --- Only after the commit ----------------------------------------------------------------


def test_the_client_email_waits_for_the_commit(
    partner, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = APIClient().post(link(partner.username, product.pk), CLIENT, format="json")

    assert response.status_code == 201
    assert mail.outbox == []
    for callback in callbacks:  # the e-mail's hand-over and the events'
        callback()
    assert [message.to for message in mail.outbox] == [["client@example.com"]]


def test_the_partner_email_waits_for_the_commit(
    partner, product, django_capture_on_commit_callbacks
):
    order = OrderFactory(partner=partner, product=product)
    bank = bank_client(product.bank)  # its new token renews cached look-ups after the commit

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = bank.patch(f"/api/bank/orders/{order.pk}/", {"status": "rejected"})

    assert response.status_code == 200
    assert mail.outbox == []
    for callback in callbacks:  # the e-mail's hand-over and the events'
        callback()
    assert [message.to for message in mail.outbox] == [[partner.email]]


class RolledBack(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_no_email_for_a_submission_that_rolled_back():
    partner, product = UserFactory(), ProductFactory()

    with pytest.raises(RolledBack), transaction.atomic():
        services.order_create_from_link(
            username=partner.username,
            product_id=product.pk,
            income=Decimal("100.00"),
            email_client="client@example.com",
            phone="+79991234567",
        )
        raise RolledBack

    assert not Order.objects.exists()
    assert not OrderStatusChange.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_no_email_for_a_decision_that_rolled_back():
    order = OrderFactory()

    with pytest.raises(RolledBack), transaction.atomic():
        services.order_apply_bank_decision(
            bank=order.product.bank, order_id=order.pk, status="approved"
        )
        raise RolledBack

    assert Order.objects.get(pk=order.pk).status == "new"
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_submission_sends_its_email():
    partner, product = UserFactory(), ProductFactory()

    with transaction.atomic():
        order = services.order_create_from_link(
            username=partner.username,
            product_id=product.pk,
            income=Decimal("100.00"),
            email_client="client@example.com",
            phone="+79991234567",
        )
        assert mail.outbox == []

    assert Order.objects.get().pk == order.pk
    assert [message.to for message in mail.outbox] == [["client@example.com"]]


# --- A failing mail server ----------------------------------------------------------------


@pytest.fixture
def broken_mail(monkeypatch):
    def send_mail(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("core.tasks.send_mail", send_mail)


def test_a_failing_mail_server_does_not_fail_the_application(
    partner, product, broken_mail, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.ERROR, logger="core.tasks"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = APIClient().post(link(partner.username, product.pk), CLIENT, format="json")

    assert response.status_code == 201
    assert callbacks
    order = Order.objects.get()
    assert (order.pk, order.status, order.email_client) == (
        response.json()["id"],
        "new",
        "client@example.com",
    )
    assert mail.outbox == []
    assert any(record.exc_info for record in caplog.records)


def test_a_failing_mail_server_does_not_fail_the_decision(
    partner, product, broken_mail, django_capture_on_commit_callbacks
):
    order = OrderFactory(partner=partner, product=product)
    bank = bank_client(product.bank)  # its new token renews cached look-ups after the commit

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = bank.patch(f"/api/bank/orders/{order.pk}/", {"status": "approved"})

    assert response.status_code == 200
    assert callbacks
    assert response.json() == {"id": order.pk, "view": True, "approval": True, "status": "approved"}
    assert Order.objects.get(pk=order.pk).status == "approved"
    assert mail.outbox == []
