from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from catalog.services import bank_issue_token
from catalog.tests.factories import BankFactory, CategoryFactory, ProductFactory
from tests.bulk import create_many
from tests.clients import bearer_client

pytestmark = pytest.mark.django_db


def product_ids(response) -> list[int]:
    return [item["data"]["id"] for item in response.json()["results"]]


# --- Banks and categories -----------------------------------------------------------------


def test_banks_lists_active_banks_without_authentication(api_client):
    active = BankFactory(name="Alpha")
    BankFactory(name="Hidden", is_active=False)

    response = api_client.get("/api/banks/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"] == [{"id": active.pk, "name": "Alpha"}]


def test_banks_never_expose_token_fields(api_client):
    bank = BankFactory()
    token = bank_issue_token(bank=bank)

    text = api_client.get("/api/banks/").content.decode()

    assert token not in text
    assert "token" not in text


@pytest.mark.parametrize("url", ["/api/banks/", "/api/categories/"])
def test_public_lists_ignore_a_stale_authorization_header(api_client, url):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert api_client.get(url).status_code == 200


def test_categories_lists_active_categories(api_client):
    cards = CategoryFactory(name="Cards")
    CategoryFactory(name="Old", is_active=False)

    response = api_client.get("/api/categories/")

    assert response.status_code == 200
    assert response.json()["results"] == [{"id": cards.pk, "name": "Cards"}]


# --- Products: shape and link ------------------------------------------------------------------


def test_product_list_item_has_seed_shape_and_absolute_ref(partner_client, partner):
    product = ProductFactory(
        name="Cashback card", percent_user=Decimal("1.50"), percent_bank=Decimal("3.00")
    )

    response = partner_client.get("/api/product/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    item = body["results"][0]
    assert item["ref"] == (f"http://testserver/api/order/ref/{partner.username}/{product.pk}/")
    assert item["data"] == {
        "id": product.pk,
        "name": "Cashback card",
        "description": product.description,
        "percent_user": 1.5,
        "percent_bank": 3.0,
        "category": {"id": product.category_id, "name": product.category.name},
        "bank": {"id": product.bank_id, "name": product.bank.name},
    }


def test_product_ref_uses_public_base_url_when_set(partner_client, partner, settings):
    settings.PUBLIC_BASE_URL = "https://partners.example.com"
    product = ProductFactory()

    item = partner_client.get(f"/api/product/{product.pk}/").json()

    assert item["ref"] == (
        f"https://partners.example.com/api/order/ref/{partner.username}/{product.pk}/"
    )


def test_product_ref_quotes_username_characters():
    partner = UserFactory(username="anna.k+1@x")
    product = ProductFactory()

    item = bearer_client(partner).get(f"/api/product/{product.pk}/").json()

    assert item["ref"].endswith(f"/api/order/ref/anna.k%2B1%40x/{product.pk}/")


def test_product_detail_has_same_shape(partner_client):
    product = ProductFactory()

    response = partner_client.get(f"/api/product/{product.pk}/")

    assert response.status_code == 200
    assert response.json()["data"]["id"] == product.pk
    assert set(response.json()) == {"ref", "page", "data"}


def test_products_require_authentication(api_client):
    product = ProductFactory()

    assert api_client.get("/api/product/").status_code == 401
    assert api_client.get(f"/api/product/{product.pk}/").status_code == 401


# --- Products: visibility ----------------------------------------------------------------------


def test_inactive_product_is_hidden(partner_client):
    product = ProductFactory(is_active=False)

    assert product_ids(partner_client.get("/api/product/")) == []
    assert partner_client.get(f"/api/product/{product.pk}/").status_code == 404


def test_product_of_inactive_bank_is_hidden(partner_client):
    product = ProductFactory(bank=BankFactory(is_active=False))

    assert product_ids(partner_client.get("/api/product/")) == []
    assert partner_client.get(f"/api/product/{product.pk}/").status_code == 404


def test_product_of_inactive_category_is_hidden(partner_client):
    product = ProductFactory(category=CategoryFactory(is_active=False))

    assert product_ids(partner_client.get("/api/product/")) == []
    assert partner_client.get(f"/api/product/{product.pk}/").status_code == 404


def test_partner_of_a_bank_sees_only_that_banks_products():
    own_bank, other_bank = BankFactory(), BankFactory()
    own = ProductFactory(bank=own_bank)
    other = ProductFactory(bank=other_bank)
    client = bearer_client(UserFactory(bank=own_bank))

    assert product_ids(client.get("/api/product/")) == [own.pk]
    hidden = client.get(f"/api/product/{other.pk}/")
    missing = client.get("/api/product/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_partner_without_bank_sees_every_active_banks_products(partner_client):
    first, second = ProductFactory(), ProductFactory()

    assert sorted(product_ids(partner_client.get("/api/product/"))) == [first.pk, second.pk]


def test_unknown_product_is_404(partner_client):
    assert partner_client.get("/api/product/999999/").status_code == 404


# --- Products: filters, ordering, pagination ------------------------------------------------


def test_products_filter_by_category_bank_and_search(partner_client):
    cards = CategoryFactory(name="Cards")
    bank = BankFactory()
    card = ProductFactory(name="Cashback Card", category=cards, bank=bank)
    ProductFactory(name="Deposit plus")

    assert product_ids(partner_client.get(f"/api/product/?category={cards.pk}")) == [card.pk]
    assert product_ids(partner_client.get(f"/api/product/?bank={bank.pk}")) == [card.pk]
    assert product_ids(partner_client.get("/api/product/?search=cashback")) == [card.pk]


@pytest.mark.parametrize("query", ["category=abc", "bank=abc", "ordering=secret_field"])
def test_products_invalid_filter_is_400(partner_client, query):
    ProductFactory()

    response = partner_client.get(f"/api/product/?{query}")

    assert response.status_code == 400
    assert response.json()


def test_products_ordering(partner_client):
    low = ProductFactory(name="B low", percent_user=Decimal("0.50"))
    high = ProductFactory(name="A high", percent_user=Decimal("9.99"))

    assert product_ids(partner_client.get("/api/product/?ordering=name")) == [high.pk, low.pk]
    assert product_ids(partner_client.get("/api/product/?ordering=percent_user")) == [
        low.pk,
        high.pk,
    ]
    assert product_ids(partner_client.get("/api/product/?ordering=-percent_user")) == [
        high.pk,
        low.pk,
    ]


@pytest.mark.parametrize("ordering", ["name", "percent_user", "-percent_user"])
def test_pages_of_tied_products_neither_repeat_nor_skip(partner_client, ordering):
    bank, category = BankFactory(), CategoryFactory()
    products = ProductFactory.create_batch(
        12, name="Same", percent_user=Decimal("1.00"), bank=bank, category=category
    )

    seen = []
    for page in (1, 2, 3):
        response = partner_client.get(
            "/api/product/", {"ordering": ordering, "page_size": 5, "page": page}
        )
        seen += product_ids(response)

    assert seen == sorted(product.pk for product in products)


def test_products_are_paginated(partner_client):
    ProductFactory.create_batch(7)

    first = partner_client.get("/api/product/?page_size=5").json()
    second = partner_client.get("/api/product/?page_size=5&page=2").json()

    assert first["count"] == 7
    assert len(first["results"]) == 5
    assert first["next"] is not None
    assert len(second["results"]) == 2
    assert second["previous"] is not None


def test_page_size_is_capped_at_200(partner_client):
    bank, category = BankFactory(), CategoryFactory()
    ProductFactory.create_batch(205, bank=bank, category=category)

    body = partner_client.get("/api/product/?page_size=1000").json()

    assert body["count"] == 205
    assert len(body["results"]) == 200


def test_page_out_of_range_is_404_json(partner_client):
    ProductFactory()

    response = partner_client.get("/api/product/?page=99")

    assert response.status_code == 404
    assert "detail" in response.json()


def many_products(rows: int) -> list:
    banks = BankFactory.create_batch(3)
    categories = CategoryFactory.create_batch(3)
    products = []
    for index in range(3):
        count = rows // 3 + (index < rows % 3)
        products += create_many(
            ProductFactory, count, bank=banks[index], category=categories[index]
        )
    return products


@pytest.mark.parametrize("rows", [3, 300, 3000])
def test_product_list_query_count_does_not_grow(
    partner_client, django_assert_max_num_queries, rows
):
    many_products(rows)

    with django_assert_max_num_queries(4):
        response = partner_client.get("/api/product/?page_size=200")

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(rows, 200)
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [3, 300, 3000])
def test_product_detail_query_count_does_not_grow(
    partner_client, django_assert_max_num_queries, rows
):
    product = many_products(rows)[-1]

    with django_assert_max_num_queries(2):
        response = partner_client.get(f"/api/product/{product.pk}/")

    assert response.status_code == 200
    assert response.json()["data"]["id"] == product.pk
