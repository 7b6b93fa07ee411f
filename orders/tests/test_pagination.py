"""The application lists page by `?page=` (count bounded) or by `?cursor=` (keyset), for any
depth at the cost of the first page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.tests.factories import BankFactory, ProductFactory
from core import pagination
from orders.tests.factories import OrderFactory
from tests.clients import bank_client

pytestmark = pytest.mark.django_db

ORDERS = "/api/orders/"
BANK_ORDERS = "/api/bank/orders/"


def walk(client, url: str) -> tuple[list[int], list[dict]]:
    """Follow `next` from `url` to the end: every id seen, and every page's body."""
    seen, pages = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        seen += [item["id"] for item in body["results"]]
        url = body["next"]
    return seen, pages


def applications(partner, count: int, *, product=None) -> list:
    now = timezone.now()
    return [
        OrderFactory(
            partner=partner,
            product=product or ProductFactory(),
            created_at=now - timedelta(minutes=index),
            submitted_at=now - timedelta(minutes=count - index),
        )
        for index in range(count)
    ]


def test_the_cursor_walks_the_partners_list_newest_first_once_each(partner, partner_client):
    made = applications(partner, 7)

    seen, pages = walk(partner_client, f"{ORDERS}?cursor=&page_size=3")

    assert seen == [order.pk for order in made]  # made newest first
    assert [len(page["results"]) for page in pages] == [3, 3, 1]
    assert {page["count"] for page in pages} == {7}
    assert pages[0]["previous"] is None
    assert "cursor=" in pages[0]["next"]
    back = partner_client.get(pages[1]["previous"]).json()
    assert [item["id"] for item in back["results"]] == seen[:3]


def test_the_cursor_walks_the_banks_list_oldest_submission_first(partner):
    bank = BankFactory()
    made = applications(partner, 5, product=ProductFactory(bank=bank))

    seen, _ = walk(bank_client(bank), f"{BANK_ORDERS}?cursor=&page_size=2")

    assert seen == [order.pk for order in made]  # made oldest submission first


def test_the_cursor_keeps_the_filters(partner, partner_client):
    made = applications(partner, 4)
    for order in made[:2]:
        order.status = "viewed"
        order.save()

    seen, _ = walk(partner_client, f"{ORDERS}?cursor=&page_size=1&status=viewed")

    assert seen == [order.pk for order in made[:2]]


def test_the_count_stops_at_the_bound_and_says_so(partner, partner_client, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)
    applications(partner, 7)

    assert partner_client.get(ORDERS).json()["count"] == 5
    assert partner_client.get(f"{ORDERS}?cursor=").json()["count"] == 5
    seen, _ = walk(partner_client, f"{ORDERS}?cursor=&page_size=3")
    assert len(seen) == 7  # the cursor still reaches every row


def test_a_forged_cursor_is_a_json_404(partner_client):
    response = partner_client.get(f"{ORDERS}?cursor=not-a-cursor")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("rows", [3, 30, 300])
def test_a_cursor_page_takes_the_same_queries_whatever_the_rows(
    partner, partner_client, django_assert_max_num_queries, rows
):
    applications(partner, rows, product=ProductFactory())
    first = partner_client.get(f"{ORDERS}?cursor=&page_size=2").json()

    # The partner, the bounded count, the page.
    with django_assert_max_num_queries(3):
        response = partner_client.get(first["next"])
    assert response.status_code == 200


@pytest.mark.parametrize("cursor", [False, True], ids=["page", "cursor"])
@pytest.mark.parametrize("who", ["partner", "bank"])
def test_a_page_and_its_count_are_one_query(
    partner, partner_client, django_assert_max_num_queries, who, cursor
):
    """The page's rows carry their list's bounded count, a subquery that reads no column and
    no join the rows need (the rows join the product, and the partner's the bank)."""
    product = ProductFactory()
    applications(partner, 5, product=product)
    client, url = (
        (partner_client, ORDERS) if who == "partner" else (bank_client(product.bank), BANK_ORDERS)
    )
    url += "?cursor=&page_size=2" if cursor else "?page_size=2"

    with django_assert_max_num_queries(3) as captured:
        response = client.get(url)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5 and len(body["results"]) == 2
    assert all(pagination.TOTAL not in item for item in body["results"])
    [query] = [q["sql"] for q in captured if 'FROM "orders_order"' in q["sql"]]
    assert 'JOIN "catalog_product"' in query  # the rows'
    # The whole list's count is its totals' (`orders_of_partner_count`, `orders_of_bank_count`).
    assert "SELECT COUNT(*) FROM (" not in query
    assert f'FROM "orders_{who}producttotal"' in query


@pytest.mark.parametrize("who", ["partner", "bank"])
def test_a_filtered_page_counts_its_rows_in_the_same_query(
    partner, django_assert_max_num_queries, partner_client, who
):
    product = ProductFactory()
    applications(partner, 3, product=product)
    client, url = (
        (partner_client, ORDERS) if who == "partner" else (bank_client(product.bank), BANK_ORDERS)
    )

    with django_assert_max_num_queries(3) as captured:
        response = client.get(f"{url}?status=new&page_size=2")

    assert response.json()["count"] == 3
    [query] = [q["sql"] for q in captured if 'FROM "orders_order"' in q["sql"]]
    assert "producttotal" not in query
    counted = query.split("SELECT COUNT(*) FROM (", 1)[1].split(") AS bounded", 1)[0]
    assert "JOIN" not in counted and "LIMIT" in counted


def test_the_partner_s_count_from_its_totals_is_its_rows_through_every_change(
    partner, partner_client
):
    """Applications and drafts over two products, then a draft sent, one deleted, decisions,
    and another partner's rows beside them: the uncounted total is always the rows' number,
    on `?page=` and `?cursor=` pages alike."""
    from orders.models import Order
    from orders.tests.factories import DraftFactory

    def counts() -> set[int]:
        return {
            partner_client.get(url).json()["count"]
            for url in (ORDERS, f"{ORDERS}?page_size=1", f"{ORDERS}?cursor=&page_size=1")
        }

    products = ProductFactory(), ProductFactory()
    assert counts() == {0}
    applications(partner, 3, product=products[0])
    applications(partner, 2, product=products[1])
    first_draft, second_draft = DraftFactory(partner=partner), DraftFactory(partner=partner)
    OrderFactory.create_batch(4)  # other partners'
    assert counts() == {7}

    Order.objects.filter(pk=first_draft.pk).update(  # as the draft's confirmation does
        status="new",
        submitted_at=timezone.now(),
        income=10,
        percent_user=1,
        email_client="client@example.com",
        phone="+79991234567",
    )
    second_draft.delete()
    assert counts() == {6}
    Order.objects.filter(partner=partner, product=products[0]).update(
        status="approved", reward=1, decided_at=timezone.now()
    )
    Order.objects.filter(partner=partner, product=products[1]).update(
        status="rejected", decided_at=timezone.now()
    )
    assert counts() == {6} == {Order.objects.filter(partner=partner).count()}


@pytest.mark.parametrize("query", ["?page=3&page_size=2", "?page=4&page_size=2", "?page=last"])
def test_a_page_past_the_rows_counts_in_a_query_of_its_own(partner, partner_client, query):
    """An empty page has no row to carry the count: past the end it is a 404 as before; the
    last page (and an empty list's first page) still knows its count."""
    applications(partner, 5, product=ProductFactory())

    response = partner_client.get(ORDERS + query)

    if query == "?page=4&page_size=2":
        assert response.status_code == 404
        assert response.json() == {"detail": "Invalid page."}
    else:
        assert response.status_code == 200
        assert response.json()["count"] == 5
        assert response.json()["results"]


def test_an_empty_list_counts_nought(partner_client):
    response = partner_client.get(ORDERS)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert partner_client.get(f"{ORDERS}?cursor=").json()["count"] == 0


@pytest.mark.parametrize("who", ["partner", "bank"])
@pytest.mark.parametrize("page", ["42529052104437604024320", "201", "0", "-3", "x"])
def test_a_page_no_bounded_count_can_have_is_a_json_404(partner, partner_client, who, page):
    """Found by Schemathesis: a page number whose OFFSET overflows the database's integers was
    a 500 once the page was read before its count. Past the bound (10,000 rows: 200 pages of
    50), before the first page or not a number, it is the 404 it always was."""
    product = ProductFactory()
    applications(partner, 3, product=product)
    client, url = (
        (partner_client, ORDERS) if who == "partner" else (bank_client(product.bank), BANK_ORDERS)
    )

    response = client.get(url, {"page": page})

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_the_bank_s_count_from_its_totals_is_its_rows_through_every_change(partner):
    """Two products of the bank, drafts (never the bank's), decisions, an application moved
    to another product and one deleted, another bank's rows beside them: the uncounted total
    is always the number of the bank's rows."""
    from orders.models import BankProductTotal, Order
    from orders.tests.factories import DraftFactory

    bank = BankFactory()
    client = bank_client(bank)
    products = ProductFactory(bank=bank), ProductFactory(bank=bank)

    def counts() -> set[int]:
        return {
            client.get(url).json()["count"]
            for url in (BANK_ORDERS, f"{BANK_ORDERS}?page_size=1", f"{BANK_ORDERS}?cursor=")
        }

    assert counts() == {0}
    made = applications(partner, 3, product=products[0]) + applications(
        partner, 2, product=products[1]
    )
    DraftFactory(partner=partner, product=products[0])
    OrderFactory.create_batch(3)  # other banks'
    assert counts() == {5}

    Order.objects.filter(pk=made[0].pk).update(status="viewed")
    Order.objects.filter(pk=made[1].pk).update(product=products[1])
    made[2].delete()
    assert counts() == {4} == {Order.objects.filter(bank=bank).exclude(status="draft").count()}
    assert dict(BankProductTotal.objects.filter(bank=bank).values_list("product_id", "orders")) == {
        products[0].pk: 1,
        products[1].pk: 3,
    }
