"""The catalogue a partner sees is kept in Redis per bank scope (`catalog.views`), and any
change to banks, categories or products shows on the very next request."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from accounts.tests.factories import UserFactory
from catalog.importing import catalog_import
from catalog.models import Product
from catalog.selectors import products_available_to
from catalog.serializers import ProductItemSerializer
from catalog.tests.factories import BankFactory, ProductFactory
from catalog.tests.helpers import catalog_source, product_item
from catalog.views import PRODUCT_ITEM_COLUMNS
from tests.clients import bank_client, bearer_client

pytestmark = pytest.mark.django_db
LIST = "/api/product/"


def names(client, url=LIST) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [item["data"]["name"] for item in response.json()["results"]]


def catalogue_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum('FROM "catalog_product"' in query["sql"] for query in queries.captured_queries)


@pytest.fixture
def bank(redis_cache):
    return BankFactory(name="Example Bank")


@pytest.fixture
def seller(bank):
    return UserFactory(bank=bank)


@pytest.fixture
def client(seller):
    return bearer_client(seller)


@pytest.mark.parametrize("url", [LIST, f"{LIST}?ordering=-percent_user&page_size=2", "item"])
def test_a_page_is_read_once_then_from_the_cache(bank, client, url):
    product = ProductFactory(bank=bank)
    url = f"{LIST}{product.pk}/" if url == "item" else url

    assert catalogue_queries(client, url) >= 1
    assert catalogue_queries(client, url) == 0


@pytest.mark.parametrize("username", ["anna", "anna.k+1@x", "..", "ф"])
@pytest.mark.parametrize("public_base_url", ["", "https://partners.example.com"])
def test_cached_items_equal_the_serializers_output(bank, settings, username, public_base_url):
    """The fast path (cached `product_data` rows plus the partner's links) answers exactly
    what `ProductItemSerializer`, the schema's shape, makes of the same products."""
    settings.PUBLIC_BASE_URL = public_base_url
    partner = UserFactory(bank=bank, username=username)
    ProductFactory(bank=bank, name="Cashback card", percent_user=Decimal("1.25"))
    ProductFactory(bank=bank, name="Deposit", description="")
    client = bearer_client(partner)
    request = Request(RequestFactory().get(LIST))
    request.user = partner
    products = products_available_to(partner=partner).only(*PRODUCT_ITEM_COLUMNS)
    expected = ProductItemSerializer(products, many=True, context={"request": request}).data

    expected = json.loads(JSONRenderer().render(expected))

    for _ in range(2):  # a miss, then a hit
        assert client.get(LIST).json()["results"] == expected
        assert client.get(f"{LIST}{expected[0]['data']['id']}/").json() == expected[0]


def test_an_import_shows_on_the_next_request(bank, client):
    catalog_import(source=catalog_source(products=[product_item(name="Old name")]), bank=bank)
    assert names(client) == ["Old name"]

    response = bank_client(bank).post(
        "/api/bank/catalog/",
        catalog_source(products=[product_item(id="new", name="New card")]),
        content_type="application/x-yaml",
    )

    assert response.status_code == 200
    assert names(client) == ["New card"]  # the old product deactivated, the new one listed


def test_an_admin_change_shows_on_the_next_request(bank, client, admin_client):
    product = ProductFactory(bank=bank, name="Card")
    other = ProductFactory(bank=bank, name="Deposit", category=product.category)
    item = f"{LIST}{product.pk}/"
    assert names(client) == ["Card", "Deposit"] and client.get(item).status_code == 200

    response = admin_client.post(
        f"/admin/catalog/category/{product.category_id}/change/",
        {"name": "Renamed", "is_active": "on"},
    )
    assert response.status_code == 302
    assert client.get(item).json()["data"]["category"]["name"] == "Renamed"

    response = admin_client.post(
        "/admin/catalog/product/",
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert names(client) == ["Card"]

    response = admin_client.post(
        f"/admin/catalog/category/{product.category_id}/change/", {"name": "Renamed"}
    )
    assert response.status_code == 302
    assert names(client) == [] and client.get(item).status_code == 404


def test_a_bulk_deactivation_shows_on_the_next_request(bank, client):
    ProductFactory(bank=bank, name="Card")
    assert names(client) == ["Card"]

    Product.objects.filter(bank=bank).update(is_active=False)

    assert names(client) == []


def test_a_deactivated_bank_disappears_on_the_next_request(bank, client, admin_client):
    product = ProductFactory(bank=bank)
    assert len(names(client)) == 1

    response = admin_client.post(
        f"/admin/catalog/bank/{bank.pk}/change/", {"name": bank.name, "terms_url": ""}
    )

    assert response.status_code == 302
    assert names(client) == []
    assert client.get(f"{LIST}{product.pk}/").status_code == 404


def test_each_bank_scope_has_its_own_pages(bank, client):
    ProductFactory(bank=bank, name="Ours")
    ProductFactory(name="Theirs")
    assert names(client) == ["Ours"]

    assert names(bearer_client(UserFactory(bank=None))) == ["Ours", "Theirs"]
    assert names(bearer_client(UserFactory(bank=BankFactory()))) == []


def test_a_cached_page_gives_each_partner_its_own_links(bank, client, seller):
    product = ProductFactory(bank=bank)
    other = UserFactory(bank=bank, username="other")
    assert (
        client.get(LIST).json()["results"][0]["ref"].endswith(f"/{seller.username}/{product.pk}/")
    )

    ref = bearer_client(other).get(LIST).json()["results"][0]["ref"]

    assert ref == f"http://testserver/api/order/ref/other/{product.pk}/"


def test_revocation_stays_immediate_on_a_cached_catalogue(bank, client, seller):
    ProductFactory(bank=bank)
    assert client.get(LIST).status_code == 200

    seller.is_active = False
    seller.save()

    assert client.get(LIST).status_code == 401


def test_unknown_query_parameters_are_answered_without_the_cache(bank, client):
    ProductFactory(bank=bank)
    url = f"{LIST}?utm_source=mail"

    assert catalogue_queries(client, url) >= 1
    assert catalogue_queries(client, url) >= 1
