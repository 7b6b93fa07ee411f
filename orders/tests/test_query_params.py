"""Query parameters a client can get wrong answer 400 or an empty list, never a 500."""

import pytest

from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

OUT_OF_RANGE_ID = "99999999999999999999"


def test_product_filter_matches_the_product(partner_client, partner):
    mine = OrderFactory(partner=partner)
    OrderFactory(partner=partner)

    response = partner_client.get(f"/api/orders/?product={mine.product_id}")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [mine.pk]


@pytest.mark.parametrize("value", ["1.5", "abc", "1e5", "0", OUT_OF_RANGE_ID])
def test_product_filter_takes_only_whole_numbers(partner_client, value):
    response = partner_client.get(f"/api/orders/?product={value}")

    assert response.status_code == 400
    assert "product" in response.json()


def test_order_id_beyond_any_integer_column_is_404(partner_client):
    response = partner_client.get(f"/api/orders/{OUT_OF_RANGE_ID}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
