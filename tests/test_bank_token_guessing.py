"""Wrong bank tokens are counted per client address (issue 11, point 9; SPEC §7).

450 wrong tokens in 6 s used to cost nothing; now an address gets `THROTTLE_BANK_AUTH` wrong
tokens a window, in the same shared counters as the other throttles, and after that a 429 for
each wrong one. The right token is never refused, so a guesser sharing the bank's address
cannot lock the bank out.
"""

import pytest
from rest_framework.test import APIClient

from catalog.services import bank_issue_token
from catalog.tests.factories import BankFactory
from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

BANK_ORDERS = "/api/bank/orders/"


@pytest.fixture
def bank():
    return BankFactory(name="Example Bank")


@pytest.fixture
def three_a_minute(settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "bank_auth": "3/min"}


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bank {token}")
    return client


def test_wrong_header_tokens_are_throttled_per_address(bank, three_a_minute):
    token = bank_issue_token(bank=bank)
    for _ in range(3):
        assert with_token("wrong-token").get(BANK_ORDERS).status_code == 401

    refused = with_token("wrong-token").get(BANK_ORDERS)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert with_token("other-wrong").get(BANK_ORDERS).status_code == 429
    assert with_token(token).get(BANK_ORDERS).status_code == 200  # the bank is not locked out

    other_address = with_token("wrong-token").get(BANK_ORDERS, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 401


def test_right_tokens_are_not_counted(bank, three_a_minute):
    token = bank_issue_token(bank=bank)
    for _ in range(10):
        assert with_token(token).get(BANK_ORDERS).status_code == 200


def test_wrong_callback_url_tokens_are_throttled_too(bank, three_a_minute):
    order = OrderFactory(product__bank=bank)
    client = APIClient()
    for _ in range(3):
        response = client.put(f"/api/order/{order.pk}/wrong-token/", {"view": True})
        assert response.status_code == 404
    assert client.put(f"/api/order/{order.pk}/wrong-token/", {"view": True}).status_code == 429


def test_the_default_rate_is_60_a_minute(settings):
    from config import settings as production_settings

    assert production_settings.THROTTLE_RATES["bank_auth"] == "60/min"
