"""HTTP edges of the application endpoints (SPEC §2, §6): size, pages, methods, secrets."""

import json
from decimal import Decimal

import pytest

from catalog.models import Bank
from catalog.services import bank_issue_token
from catalog.tests.factories import BankFactory, ProductFactory
from orders.models import Order
from orders.tests.factories import DraftFactory, OrderFactory, ReferralClickFactory
from orders.tests.helpers import confirm, detail, form, link, snapshot

pytestmark = pytest.mark.django_db

ORDERS = "/api/orders/"
STATS = "/api/stats/"
MAX_BODY = 1024 * 1024  # SPEC §2: a body over 1 MiB is a 413
MAX_PAGE_SIZE = 200  # SPEC §2: `?page_size=` at most 200


def json_of(response) -> dict:
    """The body of an API answer, which is JSON whatever the status (SPEC §2)."""
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)


def padded(body: dict, size: int) -> str:
    """`body` as JSON of exactly `size` bytes, grown by a key that every endpoint ignores."""
    bare = json.dumps({**body, "padding": ""})
    text = json.dumps({**body, "padding": "x" * (size - len(bare))})
    assert len(text.encode()) == size
    return text


@pytest.fixture
def bank():
    return BankFactory(name="Example Bank")


@pytest.fixture
def product(bank):
    return ProductFactory(bank=bank, percent_user=Decimal("1.25"))


# --- 413: a body over 1 MiB ---------------------------------------------------------------
#
# Each body is one that the endpoint would accept at a smaller size (the padding is an unknown
# key, which is ignored), so only the size can be what refuses it.


def test_an_application_through_a_link_over_one_mebibyte_is_413(api_client, partner, product):
    before = snapshot()

    response = api_client.generic(
        "POST",
        link(partner.username, product.pk),
        padded(form(), MAX_BODY + 1),
        content_type="application/json",
    )

    assert response.status_code == 413
    assert "detail" in json_of(response)
    assert snapshot() == before


def test_an_application_through_a_link_of_exactly_one_mebibyte_is_accepted(
    api_client, partner, product
):
    response = api_client.generic(
        "POST",
        link(partner.username, product.pk),
        padded(form(), MAX_BODY),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Order.objects.get().status == "new"


def test_a_draft_over_one_mebibyte_is_413(partner_client, product):
    body = padded({"product": product.pk}, MAX_BODY + 1)
    before = snapshot()

    response = partner_client.generic("POST", ORDERS, body, content_type="application/json")

    assert response.status_code == 413
    assert "detail" in json_of(response)
    assert snapshot() == before


def test_a_confirm_over_one_mebibyte_is_413_and_the_draft_stays_a_draft(
    partner, partner_client, product
):
    draft = DraftFactory(partner=partner, product=product)
    before = snapshot()

    response = partner_client.generic(
        "POST", confirm(draft.pk), padded(form(), MAX_BODY + 1), content_type="application/json"
    )

    assert response.status_code == 413
    assert "detail" in json_of(response)
    assert snapshot() == before
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- Pagination ---------------------------------------------------------------------------


def test_page_size_above_the_maximum_gives_at_most_200(partner, partner_client, product):
    OrderFactory.create_batch(MAX_PAGE_SIZE + 1, partner=partner, product=product)

    response = partner_client.get(ORDERS, {"page_size": 500})

    assert response.status_code == 200
    body = json_of(response)
    assert body["count"] == MAX_PAGE_SIZE + 1
    assert len(body["results"]) == MAX_PAGE_SIZE
    assert body["next"] is not None
    assert body["previous"] is None

    rest = partner_client.get(ORDERS, {"page_size": 500, "page": 2})

    assert rest.status_code == 200
    items = body["results"] + json_of(rest)["results"]
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(Order.objects.filter(partner=partner).values_list("id", flat=True))


def test_a_page_beyond_the_last_is_404_in_json(partner, partner_client, product):
    OrderFactory.create_batch(3, partner=partner, product=product)

    response = partner_client.get(ORDERS, {"page": 999})

    assert response.status_code == 404
    assert isinstance(json_of(response)["detail"], str)


# --- 405 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize("factory", [OrderFactory, DraftFactory], ids=["submitted", "draft"])
def test_put_and_patch_of_an_application_are_405_and_change_nothing(
    partner, partner_client, product, method, factory
):
    order = factory(partner=partner, product=product)
    before = snapshot()

    response = partner_client.generic(
        method,
        detail(order.pk),
        json.dumps({"status": "approved", "income": "999.00", "reward": "100.00"}),
        content_type="application/json",
    )

    assert response.status_code == 405
    assert json_of(response) == {"detail": f'Method "{method}" not allowed.'}
    assert method not in {verb.strip() for verb in response["Allow"].split(",")}
    assert snapshot() == before


def test_post_to_the_statistics_is_405_and_changes_nothing(partner, partner_client, product):
    OrderFactory(partner=partner, product=product)
    ReferralClickFactory(partner=partner, product=product)
    before = snapshot()

    response = partner_client.post(STATS, {"clicks": 1000, "orders": 1000}, format="json")

    assert response.status_code == 405
    assert json_of(response) == {"detail": 'Method "POST" not allowed.'}
    assert snapshot() == before


# --- No bank token in any answer ----------------------------------------------------------


def assert_no_token(response, token: str, bank: Bank) -> None:
    text = response.content.decode()
    assert token not in text
    assert bank.token_hash not in text
    assert "token" not in text.lower()


def test_no_answer_of_the_application_endpoints_shows_the_banks_token(
    api_client, partner, partner_client, bank, product
):
    token = bank_issue_token(bank=bank)
    bank.refresh_from_db()
    assert bank.token_hash

    landing = api_client.get(link(partner.username, product.pk))
    assert landing.status_code == 200
    assert_no_token(landing, token, bank)

    created = api_client.post(link(partner.username, product.pk), form(), format="json")
    assert created.status_code == 201
    assert_no_token(created, token, bank)

    one = partner_client.get(detail(created.json()["id"]))
    assert one.status_code == 200
    assert_no_token(one, token, bank)

    draft = partner_client.post(ORDERS, {"product": product.pk}, format="json")
    assert draft.status_code == 201
    assert_no_token(draft, token, bank)

    confirmed = partner_client.post(
        confirm(draft.json()["id"]),
        form(email_client="other@example.com", phone="+79990000002"),
        format="json",
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "new"
    assert_no_token(confirmed, token, bank)

    listed = partner_client.get(ORDERS)
    assert listed.status_code == 200
    assert listed.json()["count"] == 2
    assert_no_token(listed, token, bank)

    stats = partner_client.get(STATS)
    assert stats.status_code == 200
    assert_no_token(stats, token, bank)
