"""The lists' filter backend (`core.filtering`) builds a FilterSet only for a request that names
a filter; tested through the partner's list."""

import pytest

from orders.filters import PartnerOrderFilter
from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(monkeypatch) -> list[dict]:
    """The query data of every `PartnerOrderFilter` built."""
    seen: list[dict] = []
    original = PartnerOrderFilter.__init__

    def spy(self, data=None, *args, **kwargs):
        seen.append(dict((data or {}).items()))
        original(self, data, *args, **kwargs)

    monkeypatch.setattr(PartnerOrderFilter, "__init__", spy)
    return seen


def test_an_unfiltered_page_builds_no_filterset(partner, partner_client, built):
    OrderFactory.create_batch(2, partner=partner)

    response = partner_client.get("/api/orders/", {"page": 1, "page_size": 10, "lang": "en"})

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert built == []


@pytest.mark.parametrize(
    ("query", "count"),
    [({"status": "approved"}, 1), ({"status": ""}, 2), ({"created_after": "2000-01-01"}, 2)],
)
def test_a_named_filter_goes_through_django_filter(partner, partner_client, built, query, count):
    OrderFactory(partner=partner, status="approved")
    OrderFactory(partner=partner, status="new")

    response = partner_client.get("/api/orders/", query)

    assert response.status_code == 200
    assert response.json()["count"] == count
    assert built == [query]


def test_a_bad_filter_value_is_still_a_400(partner, partner_client, built):
    response = partner_client.get("/api/orders/", {"status": "bogus"})

    assert response.status_code == 400
    assert "status" in response.json()
    assert len(built) == 1
