"""Simultaneous requests on applications, with real threads on PostgreSQL: the rules hold
under bursts (one application of identical ones, one decision of contradicting ones)."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from catalog.services import bank_issue_token
from catalog.tests.factories import ProductFactory
from orders.models import Order, OrderStatus, OrderStatusChange
from orders.tests.factories import DraftFactory, OrderFactory
from tests.clients import bearer_client
from tests.concurrency import run_at_once, skip_unless_postgresql

pytestmark = pytest.mark.django_db(transaction=True)

BURST = 10
FINAL = {OrderStatus.APPROVED, OrderStatus.REJECTED}


@pytest.fixture(autouse=True)
def _postgresql_only():
    skip_unless_postgresql()


@pytest.fixture(autouse=True)
def _no_throttling_of_the_burst(settings):
    """The bursts come from one address; the per-IP throttle is not what is tested here."""
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "public_order": "1000/min"}


def applying(partner, product, *, email: str, phone: str, income: str = "50000.00"):
    """A client's application through the partner's link; the response's (status, body)."""
    url = f"/api/order/ref/{partner.username}/{product.pk}/"
    body = {"income": income, "email_client": email, "phone": phone}

    def send():
        response = APIClient().post(url, body, format="json")
        return response.status_code, response.json()

    return send


def bank_putting(bank_token: str, order, body: dict):
    """The bank's status callback with its token in the URL; the response's (status, body)."""
    url = f"/api/order/{order.pk}/{bank_token}/"

    def send():
        response = APIClient().put(url, body, format="json")
        return response.status_code, response.json()

    return send


def bank_patching(bank_token: str, order, body: dict):
    """The bank API's decision with `Authorization: Bank <token>`; the response's (status, body)."""
    url = f"/api/bank/orders/{order.pk}/"

    def send():
        client = APIClient()  # one per thread: the test client is not thread-safe
        client.credentials(HTTP_AUTHORIZATION=f"Bank {bank_token}")
        response = client.patch(url, body, format="json")
        return response.status_code, response.json()

    return send


def decision_rows(order) -> list[str]:
    return list(
        OrderStatusChange.objects.filter(order=order, to_status__in=FINAL).values_list(
            "to_status", flat=True
        )
    )


def test_ten_identical_applications_at_once_create_one(mailoutbox):
    partner, product = UserFactory(), ProductFactory()

    results = run_at_once(
        [
            applying(partner, product, email="client@example.com", phone="+79991234567")
            for _ in range(BURST)
        ]
    )

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (BURST - 1)
    [created] = [body for status, body in results if status == 201]
    order = Order.objects.get()
    assert created["id"] == order.pk
    assert created["status"] == "new"
    assert (order.partner, order.product, order.phone) == (partner, product, "+79991234567")
    assert order.percent_user == product.percent_user
    for status, body in results:
        if status == 409:
            assert set(body) == {"detail"}
    assert list(order.history.values_list("from_status", "to_status", "source")) == [
        ("", "new", "client")
    ]
    assert [message.to for message in mailoutbox] == [["client@example.com"]]


@pytest.mark.parametrize(
    ("emails", "phones"),
    [
        pytest.param(
            [f"client{index}@example.com" for index in range(BURST)],
            ["+79991234567", "8 999 123-45-67", "89991234567", "+7 (999) 123 45 67"] * 3,
            id="same-phone-in-any-form-other-emails",
        ),
        pytest.param(
            ["client@example.com", "Client@Example.com", "CLIENT@EXAMPLE.COM"] * 4,
            [f"+7999123450{index}" for index in range(BURST)],
            id="same-email-in-any-case-other-phones",
        ),
    ],
)
def test_ten_applications_sharing_a_phone_or_an_email_at_once_create_one(emails, phones):
    partner, product = UserFactory(), ProductFactory()

    results = run_at_once(
        [
            applying(partner, product, email=email, phone=phone)
            for email, phone in zip(emails[:BURST], phones[:BURST], strict=True)
        ]
    )

    assert sorted(status for status, _ in results) == [201] + [409] * (BURST - 1)
    [created] = [body for status, body in results if status == 201]
    assert list(Order.objects.values_list("pk", flat=True)) == [created["id"]]
    assert OrderStatusChange.objects.count() == 1


def test_applications_for_different_products_at_once_are_all_created():
    """The duplicate rule is per product: one client applying for ten products at once is fine."""
    partner = UserFactory()
    products = ProductFactory.create_batch(BURST)

    results = run_at_once(
        [
            applying(partner, product, email="client@example.com", phone="+79991234567")
            for product in products
        ]
    )

    assert [status for status, _ in results] == [201] * BURST
    assert Order.objects.filter(status=OrderStatus.NEW).count() == BURST


@pytest.mark.parametrize("round_", range(3))
def test_simultaneous_approve_and_reject_through_the_callback_decide_once(round_):
    product = ProductFactory(percent_user=Decimal("1.50"))
    order = OrderFactory(product=product, income=Decimal("3.00"))
    token = bank_issue_token(bank=product.bank)
    approving = {"status": "approved", "reason": "income confirmed"}
    rejecting = {"status": "rejected", "reason": "income not confirmed"}

    asked = ["approved", "rejected"] * 5
    results = run_at_once(
        [
            bank_putting(token, order, approving if wish == "approved" else rejecting)
            for wish in asked
        ]
    )

    order.refresh_from_db()
    assert order.status in FINAL
    for wish, (status, body) in zip(asked, results, strict=True):
        if wish == order.status:
            assert status == 200
            assert body == {
                "id": order.pk,
                "view": True,
                "approval": order.status == "approved",
                "status": order.status,
            }
        else:
            assert status == 409
            assert set(body) == {"detail"}
    assert decision_rows(order) == [order.status]
    if order.status == OrderStatus.APPROVED:
        assert order.reward == Decimal("0.05")  # 3.00 x 1.50 % = 0.045, half-up
    else:
        assert order.reward is None


def test_the_same_draft_confirmed_ten_times_at_once_is_submitted_once(mailoutbox):
    partner = UserFactory()
    draft = DraftFactory(partner=partner, product=ProductFactory())
    body = {"income": "70000.00", "email_client": "client@example.com", "phone": "+79991234567"}

    def confirming():
        # A client per thread: Django's test client keeps per-request state.
        response = bearer_client(partner).post(
            f"/api/orders/{draft.pk}/confirm/", body, format="json"
        )
        return response.status_code, response.json()

    results = run_at_once([confirming] * BURST)

    assert sorted(status for status, _ in results) == [200] + [409] * (BURST - 1)
    [confirmed] = [body for status, body in results if status == 200]
    assert confirmed["status"] == "new"
    draft.refresh_from_db()
    assert draft.status == OrderStatus.NEW
    assert draft.income == Decimal("70000.00")
    assert (
        OrderStatusChange.objects.filter(
            order=draft, from_status=OrderStatus.DRAFT, to_status=OrderStatus.NEW
        ).count()
        == 1
    )
    assert draft.history.count() == 2  # created as a draft, then submitted
    assert Order.objects.count() == 1
    assert [message.to for message in mailoutbox] == [["client@example.com"]]


def test_ten_identical_approvals_through_the_bank_api_at_once_approve_once(mailoutbox):
    partner = UserFactory(email="partner@example.com")
    product = ProductFactory(percent_user=Decimal("2.50"))
    order = OrderFactory(partner=partner, product=product, income=Decimal("1234.50"))
    token = bank_issue_token(bank=product.bank)

    results = run_at_once([bank_patching(token, order, {"approval": True})] * BURST)

    expected = {"id": order.pk, "view": True, "approval": True, "status": "approved"}
    assert results == [(200, expected)] * BURST
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert order.reward == Decimal("30.86")  # 1234.50 x 2.50 % = 30.8625
    assert list(
        order.history.filter(to_status=OrderStatus.APPROVED).values_list("from_status", "source")
    ) == [("new", "bank")]
    assert [message.to for message in mailoutbox] == [["partner@example.com"]]
