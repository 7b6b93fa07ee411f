"""Date filters with any UTC offset Python reads (issue 11, point 1).

PostgreSQL takes offsets up to ±15:59 only; a filter value with `+20:00` reached it as it was
and answered a 500 (`time zone displacement out of range`). The same moment in UTC is always
in range.
"""

from urllib.parse import quote

import pytest

from catalog.tests.factories import BankFactory
from orders.models import Order
from orders.tests.factories import OrderFactory
from orders.tests.helpers import at
from tests.clients import bank_client, bearer_client

pytestmark = pytest.mark.django_db

FAR_OFFSETS = ["2026-03-02T04:00:00+20:00", "2026-03-01T00:00:00-23:59", "2026-03-01+16:00"]


@pytest.fixture
def bank():
    return BankFactory(name="Example Bank")


@pytest.mark.parametrize("value", FAR_OFFSETS)
@pytest.mark.parametrize("param", ["created_after", "created_before"])
def test_partner_list_reads_any_offset(partner_client, param, value):
    response = partner_client.get(f"/api/orders/?{param}={quote(value)}")
    assert response.status_code == 200, response.content
    response = partner_client.get(f"/api/stats/?{param}={quote(value)}")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("value", FAR_OFFSETS)
def test_bank_list_reads_any_offset(bank, value):
    response = bank_client(bank).get(f"/api/bank/orders/?since={quote(value)}")
    assert response.status_code == 200, response.content


def test_far_offset_means_the_same_moment(partner, bank):
    """`2026-03-02T04:00+20:00` is 2026-03-01T08:00Z: an application of 09:00Z is after it."""
    order = OrderFactory(partner=partner, product__bank=bank)
    Order.objects.filter(pk=order.pk).update(created_at=at(1, 9), submitted_at=at(1, 9))
    after = quote("2026-03-01T18:00:00+10:00")  # 08:00Z
    before = quote("2026-03-02T05:00:00+20:00")  # 09:00Z
    client = bank_client(bank)
    assert client.get(f"/api/bank/orders/?since={after}").json()["count"] == 1
    later = quote("2026-03-02T06:00:00+20:00")  # 10:00Z
    assert client.get(f"/api/bank/orders/?since={later}").json()["count"] == 0
    mine = bearer_client(partner)
    assert mine.get(f"/api/orders/?created_before={before}").json()["count"] == 0
    assert mine.get(f"/api/orders/?created_after={after}").json()["count"] == 1


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+10:00", "9999-12-31T23:00:00-05:00"])
def test_moment_without_utc_form_is_400(partner_client, bank, value):
    response = partner_client.get(f"/api/orders/?created_after={quote(value)}")
    assert response.status_code == 400
    assert "created_after" in response.json()
    response = bank_client(bank).get(f"/api/bank/orders/?since={quote(value)}")
    assert response.status_code == 400
