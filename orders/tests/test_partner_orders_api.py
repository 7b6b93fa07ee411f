"""A partner's applications: /api/orders/ (list, drafts), /api/orders/{id}/, .../confirm/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.services import bank_issue_token
from catalog.tests.factories import BankFactory, ProductFactory
from orders.models import Order, OrderStatusChange
from orders.tests.factories import DraftFactory, OrderFactory
from orders.tests.helpers import at, confirm, detail, moment, snapshot
from tests.bulk import create_many
from tests.clients import bank_client, bearer_client

pytestmark = pytest.mark.django_db

ORDERS = "/api/orders/"
NOT_FOUND = {"detail": "Not found."}
NOT_A_DRAFT = {"detail": "Only a draft can be changed this way; this application is submitted."}
UNKNOWN_PRODUCT = {"product": ["Unknown product, or not one you may sell."]}
NO_LONGER_AVAILABLE = {"detail": "This product is no longer available to you."}
DUPLICATE = {
    "detail": (
        "An application with this phone or e-mail for this product was sent in the last 24 hours."
    )
}
NO_CREDENTIALS = {"detail": "Authentication credentials were not provided."}
# Measured: the partner's user, the page's count, the page's rows (products and banks joined).
LIST_QUERIES = 3


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


# --- List ---------------------------------------------------------------------------------


def test_list_shows_only_own_applications_drafts_included_newest_first(partner, partner_client):
    now = timezone.now()
    oldest = OrderFactory(partner=partner, created_at=now - timedelta(days=3))
    draft = DraftFactory(partner=partner, created_at=now - timedelta(days=1))
    approved = OrderFactory(partner=partner, status="approved", created_at=now - timedelta(days=2))
    newest = OrderFactory(partner=partner, status="rejected", created_at=now)
    OrderFactory()
    DraftFactory()

    response = partner_client.get(ORDERS)

    assert response.status_code == 200
    assert ids(response) == [newest.pk, draft.pk, approved.pk, oldest.pk]
    assert response.json()["count"] == 4


def test_list_item_shows_the_application_with_its_product_and_money(partner, partner_client):
    bank = BankFactory(name="Example Bank")
    product = ProductFactory(bank=bank, name="Cashback card", percent_user=Decimal("1.50"))
    order = OrderFactory(
        partner=partner,
        product=product,
        status="approved",
        income=Decimal("2000.00"),
        email_client="client@example.com",
        phone="+79991234567",
    )
    bank_issue_token(bank=bank)

    response = partner_client.get(ORDERS)

    [item] = response.json()["results"]
    assert item == {
        "id": order.pk,
        "product": {
            "id": product.pk,
            "name": "Cashback card",
            "bank": {"id": bank.pk, "name": "Example Bank"},
        },
        "income": "2000.00",
        "email_client": "client@example.com",
        "phone": "+79991234567",
        "status": "approved",
        "view": True,
        "approval": True,
        "channel": "link",
        "percent_user": 1.5,
        "reward": "30.00",
        "created_at": item["created_at"],
        "submitted_at": item["submitted_at"],
        "decided_at": item["decided_at"],
    }
    assert moment(item["created_at"]) == order.created_at
    assert moment(item["submitted_at"]) == order.submitted_at
    assert moment(item["decided_at"]) == order.decided_at
    assert "token" not in response.content.decode().lower()


def test_list_item_of_a_draft_shows_what_is_still_missing(partner, partner_client):
    draft = DraftFactory(partner=partner)

    [item] = partner_client.get(ORDERS).json()["results"]

    assert item["id"] == draft.pk
    assert (item["status"], item["channel"], item["view"], item["approval"]) == (
        "draft",
        "partner",
        False,
        False,
    )
    assert (item["income"], item["email_client"], item["phone"]) == (None, "", "")
    assert (item["percent_user"], item["reward"], item["submitted_at"]) == (None, None, None)


@pytest.mark.parametrize("status", ["draft", "new", "viewed", "approved", "rejected"])
def test_status_filter_lists_only_that_status(partner, partner_client, status):
    orders = {
        value: OrderFactory(partner=partner, status=value)
        for value in ("new", "viewed", "approved", "rejected")
    }
    orders["draft"] = DraftFactory(partner=partner)
    if status == "draft":
        DraftFactory()
    else:
        OrderFactory(status=status)

    response = partner_client.get(ORDERS, {"status": status})

    assert response.status_code == 200
    assert ids(response) == [orders[status].pk]


def test_product_filter_lists_only_that_product(partner, partner_client):
    product = ProductFactory()
    newer = DraftFactory(partner=partner, product=product)
    older = OrderFactory(
        partner=partner, product=product, created_at=timezone.now() - timedelta(hours=1)
    )
    OrderFactory(partner=partner)
    OrderFactory(product=product)

    response = partner_client.get(ORDERS, {"product": product.pk})

    assert response.status_code == 200
    assert ids(response) == [newer.pk, older.pk]


def test_created_range_is_at_or_after_and_strictly_before(partner, partner_client):
    before = OrderFactory(partner=partner, created_at=at(1) - timedelta(microseconds=1))
    first = OrderFactory(partner=partner, created_at=at(1))
    last = DraftFactory(partner=partner, created_at=at(2) - timedelta(microseconds=1))
    OrderFactory(partner=partner, created_at=at(2))

    after = partner_client.get(ORDERS, {"created_after": "2026-03-01T00:00:00Z"})
    until = partner_client.get(ORDERS, {"created_before": "2026-03-02T00:00:00+00:00"})
    within = partner_client.get(
        ORDERS, {"created_after": "2026-03-01T03:00:00+03:00", "created_before": "2026-03-02"}
    )

    assert (after.status_code, until.status_code, within.status_code) == (200, 200, 200)
    assert set(ids(after)) == {first.pk, last.pk, Order.objects.get(created_at=at(2)).pk}
    assert ids(until) == [last.pk, first.pk, before.pk]
    assert ids(within) == [last.pk, first.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "pending"}, "status"),
        ({"status": "APPROVED"}, "status"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_before": "2026-13-01"}, "created_before"),
        ({"created_after": "2026-03-01T25:00:00Z"}, "created_after"),
    ],
)
def test_invalid_filter_is_400_naming_it(partner, partner_client, query, field):
    OrderFactory(partner=partner)

    response = partner_client.get(ORDERS, query)

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert isinstance(body[field], list)
    assert body[field]


def test_list_is_paginated(partner, partner_client):
    now = timezone.now()
    orders = [
        OrderFactory(partner=partner, created_at=now - timedelta(minutes=minutes))
        for minutes in range(3)
    ]

    first = partner_client.get(ORDERS, {"page_size": 2})
    second = partner_client.get(ORDERS, {"page_size": 2, "page": 2})

    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert (body["count"], body["previous"]) == (3, None)
    assert "page=2" in body["next"]
    assert ids(first) == [orders[0].pk, orders[1].pk]
    assert second.json()["next"] is None
    assert second.json()["previous"] is not None
    assert ids(second) == [orders[2].pk]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "list"),
        ("post", "list"),
        ("get", "detail"),
        ("delete", "detail"),
        ("post", "confirm"),
    ],
)
def test_every_partner_endpoint_needs_a_token(api_client, method, path):
    draft = DraftFactory(
        income=Decimal("100.00"), email_client="a@example.com", phone="+79991234567"
    )
    url = {"list": ORDERS, "detail": detail(draft.pk), "confirm": confirm(draft.pk)}[path]
    before = snapshot()

    response = getattr(api_client, method)(url, {"product": draft.product_id}, format="json")

    assert response.status_code == 401
    assert response.json() == NO_CREDENTIALS
    assert snapshot() == before


def test_a_bank_token_does_not_open_the_partner_list(partner):
    OrderFactory(partner=partner)

    response = bank_client(BankFactory()).get(ORDERS)

    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("count", [3, 100, 1000])
def test_list_queries_do_not_grow_with_the_applications(
    partner, partner_client, django_assert_max_num_queries, count
):
    create_many(
        OrderFactory, count - 1, partner=partner, product=ProductFactory(), status="approved"
    )
    DraftFactory(partner=partner)

    with django_assert_max_num_queries(LIST_QUERIES):
        response = partner_client.get(ORDERS, {"page_size": 200})

    assert response.status_code == 200
    assert response.json()["count"] == count
    assert len(response.json()["results"]) == min(count, 200)


# --- Detail -------------------------------------------------------------------------------


def test_detail_shows_the_application_with_its_history(partner, partner_client):
    order = OrderFactory(partner=partner, created_at=at(1))
    OrderStatusChange.objects.create(
        order=order, from_status="new", to_status="viewed", source="bank", created_at=at(1, 5)
    )
    OrderStatusChange.objects.create(
        order=order,
        from_status="viewed",
        to_status="rejected",
        source="bank",
        reason="Income not confirmed",
        created_at=at(2),
    )
    Order.objects.filter(pk=order.pk).update(status="rejected", decided_at=at(2))

    response = partner_client.get(detail(order.pk))

    assert response.status_code == 200
    body = response.json()
    listed = partner_client.get(ORDERS).json()["results"][0]
    assert {key: value for key, value in body.items() if key != "history"} == listed
    assert body["status"] == "rejected"
    history = body["history"]
    assert [moment(step.pop("created_at")) for step in history] == [at(1), at(1, 5), at(2)]
    assert history == [
        {"from_status": "", "to_status": "new", "source": "client", "reason": ""},
        {"from_status": "new", "to_status": "viewed", "source": "bank", "reason": ""},
        {
            "from_status": "viewed",
            "to_status": "rejected",
            "source": "bank",
            "reason": "Income not confirmed",
        },
    ]


def test_detail_of_another_partners_application_is_the_same_404_as_an_unknown_one(
    partner_client,
):
    others = OrderFactory()
    draft = DraftFactory()

    for order_id in (others.pk, draft.pk, draft.pk + 1000):
        response = partner_client.get(detail(order_id))
        assert response.status_code == 404
        assert response.json() == NOT_FOUND


# --- Drafts: create -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "empty", [{}, {"income": None, "email_client": "", "phone": ""}], ids=["absent", "empty"]
)
def test_draft_needs_only_a_product(partner, partner_client, empty):
    product = ProductFactory()

    response = partner_client.post(ORDERS, {"product": product.pk, **empty}, format="json")

    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get()
    assert body["id"] == order.pk
    assert body["product"]["id"] == product.pk
    assert (body["status"], body["channel"]) == ("draft", "partner")
    assert (body["income"], body["email_client"], body["phone"]) == (None, "", "")
    assert (body["percent_user"], body["reward"], body["submitted_at"]) == (None, None, None)
    assert (order.partner, order.product, order.status, order.channel) == (
        partner,
        product,
        "draft",
        "partner",
    )
    assert (order.percent_user, order.submitted_at) == (None, None)
    assert list(order.history.values_list("from_status", "to_status", "source")) == [
        ("", "draft", "partner")
    ]


def test_draft_keeps_the_given_fields_with_the_phone_in_e164(partner, partner_client):
    product = ProductFactory()

    response = partner_client.post(
        ORDERS,
        {
            "product": product.pk,
            "income": "1500.5",
            "email_client": "client@example.com",
            "phone": "8 (999) 123-45-67",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["income"], body["email_client"], body["phone"], body["status"]) == (
        "1500.50",
        "client@example.com",
        "+79991234567",
        "draft",
    )
    order = Order.objects.get()
    assert (order.income, order.email_client, order.phone, order.status) == (
        Decimal("1500.50"),
        "client@example.com",
        "+79991234567",
        "draft",
    )


@pytest.mark.parametrize(
    "case", ["unknown", "inactive product", "inactive bank", "another bank's", "missing"]
)
def test_draft_for_a_product_the_partner_may_not_sell_is_400_on_product(case):
    bank = BankFactory()
    partner = UserFactory(bank=bank)
    product = ProductFactory(bank=bank)
    if case == "inactive product":
        product.is_active = False
        product.save()
    elif case == "inactive bank":
        bank.is_active = False
        bank.save()
    elif case == "another bank's":
        product = ProductFactory()
    body = {"income": "100.00", "email_client": "c@example.com", "phone": "+79991234567"}
    if case != "missing":
        body["product"] = product.pk + 1000 if case == "unknown" else product.pk

    response = bearer_client(partner).post(ORDERS, body, format="json")

    assert response.status_code == 400
    if case == "missing":
        assert list(response.json()) == ["product"]
    else:
        assert response.json() == UNKNOWN_PRODUCT
    assert not Order.objects.exists()
    assert not OrderStatusChange.objects.exists()


def test_a_partner_with_a_bank_may_draft_for_that_banks_product():
    bank = BankFactory()
    partner = UserFactory(bank=bank)
    product = ProductFactory(bank=bank)

    response = bearer_client(partner).post(ORDERS, {"product": product.pk}, format="json")

    assert response.status_code == 201
    assert Order.objects.get().product == product


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("income", "0"),
        ("income", "-5.00"),
        ("income", "12.345"),
        ("income", "lots"),
        ("income", "1" * 12),
        ("email_client", "not-an-email"),
        ("phone", "12345"),
        ("phone", "call me"),
        ("product", "abc"),
    ],
)
def test_invalid_draft_field_is_400_and_nothing_is_created(partner_client, field, value):
    body = {"product": ProductFactory().pk, field: value}

    response = partner_client.post(ORDERS, body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Order.objects.exists()


def test_status_partner_reward_and_percent_in_the_body_change_nothing(partner, partner_client):
    product = ProductFactory(percent_user=Decimal("1.50"))
    other = UserFactory()

    response = partner_client.post(
        ORDERS,
        {
            "product": product.pk,
            "status": "approved",
            "partner": other.pk,
            "reward": "999.00",
            "percent_user": 99,
            "channel": "link",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["reward"], body["percent_user"]) == ("draft", None, None)
    order = Order.objects.get()
    assert (order.partner, order.status, order.reward, order.percent_user, order.channel) == (
        partner,
        "draft",
        None,
        None,
        "partner",
    )
    assert not other.orders.exists()


# --- Drafts: confirm ----------------------------------------------------------------------


def test_confirm_fills_the_missing_fields_and_submits_the_draft(partner, partner_client):
    product = ProductFactory(percent_user=Decimal("2.25"))
    draft = DraftFactory(partner=partner, product=product)
    started = timezone.now()

    response = partner_client.post(
        confirm(draft.pk),
        {"income": "1000", "email_client": "client@example.com", "phone": "+7 999 123 45 67"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    draft.refresh_from_db()
    assert (draft.status, draft.channel, draft.percent_user) == ("new", "partner", Decimal("2.25"))
    assert (draft.income, draft.email_client, draft.phone) == (
        Decimal("1000.00"),
        "client@example.com",
        "+79991234567",
    )
    assert draft.submitted_at >= started
    assert (body["id"], body["status"], body["percent_user"], body["income"]) == (
        draft.pk,
        "new",
        2.25,
        "1000.00",
    )
    assert moment(body["submitted_at"]) == draft.submitted_at
    last = body["history"][-1]
    assert (last["from_status"], last["to_status"], last["source"]) == ("draft", "new", "partner")
    assert list(draft.history.values_list("from_status", "to_status", "source")) == [
        ("", "draft", "partner"),
        ("draft", "new", "partner"),
    ]


def test_confirm_of_a_complete_draft_needs_no_body(partner, partner_client):
    draft = DraftFactory(
        partner=partner,
        income=Decimal("500.00"),
        email_client="c@example.com",
        phone="+79991234567",
    )

    response = partner_client.post(confirm(draft.pk), {}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "new"
    draft.refresh_from_db()
    assert (draft.status, draft.income, draft.email_client) == (
        "new",
        Decimal("500.00"),
        "c@example.com",
    )


def test_confirm_can_correct_the_given_fields(partner, partner_client):
    draft = DraftFactory(
        partner=partner,
        income=Decimal("500.00"),
        email_client="old@example.com",
        phone="+79991234567",
    )

    response = partner_client.post(
        confirm(draft.pk), {"income": "750.25", "email_client": "new@example.com"}, format="json"
    )

    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.status, draft.income, draft.email_client, draft.phone) == (
        "new",
        Decimal("750.25"),
        "new@example.com",
        "+79991234567",
    )


def test_percent_is_the_products_at_confirmation_and_stays(partner, partner_client):
    product = ProductFactory(percent_user=Decimal("1.00"))
    draft = DraftFactory(partner=partner, product=product)
    product.percent_user = Decimal("3.50")
    product.save()

    partner_client.post(
        confirm(draft.pk),
        {"income": "100", "email_client": "c@example.com", "phone": "+79991234567"},
        format="json",
    )
    product.percent_user = Decimal("9.00")
    product.save()

    draft.refresh_from_db()
    assert draft.percent_user == Decimal("3.50")
    assert partner_client.get(detail(draft.pk)).json()["percent_user"] == 3.5


@pytest.mark.parametrize(
    ("given", "body", "missing"),
    [
        ({}, {}, {"income", "email_client", "phone"}),
        ({"income": Decimal("100.00")}, {}, {"email_client", "phone"}),
        ({}, {"email_client": "c@example.com"}, {"income", "phone"}),
        ({"phone": "+79991234567"}, {"income": "10", "email_client": ""}, {"email_client"}),
        ({}, {"income": None, "email_client": "c@example.com", "phone": ""}, {"income", "phone"}),
    ],
)
def test_confirm_names_each_field_still_missing_and_changes_nothing(
    partner, partner_client, given, body, missing
):
    draft = DraftFactory(partner=partner, **given)
    before = snapshot()

    response = partner_client.post(confirm(draft.pk), body, format="json")

    assert response.status_code == 400
    assert response.json() == {name: ["This field is required."] for name in missing}
    assert snapshot() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("income", "0"), ("income", "abc"), ("email_client", "nope"), ("phone", "123")],
)
def test_confirm_checks_the_fields_as_the_public_form_does(partner, partner_client, field, value):
    draft = DraftFactory(partner=partner)
    body = {"income": "100", "email_client": "c@example.com", "phone": "+79991234567", field: value}
    before = snapshot()

    response = partner_client.post(confirm(draft.pk), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert snapshot() == before


def test_confirm_ignores_status_percent_and_reward_in_the_body(partner, partner_client):
    product = ProductFactory(percent_user=Decimal("1.50"))
    draft = DraftFactory(partner=partner, product=product)

    response = partner_client.post(
        confirm(draft.pk),
        {
            "income": "100",
            "email_client": "c@example.com",
            "phone": "+79991234567",
            "status": "approved",
            "percent_user": 99,
            "reward": "999.00",
            "partner": UserFactory().pk,
        },
        format="json",
    )

    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.status, draft.percent_user, draft.reward, draft.partner) == (
        "new",
        Decimal("1.50"),
        None,
        partner,
    )


@pytest.mark.parametrize("status", ["new", "viewed", "approved", "rejected"])
def test_confirm_of_a_submitted_application_is_409(partner, partner_client, status):
    order = OrderFactory(partner=partner, status=status)
    before = snapshot()

    response = partner_client.post(confirm(order.pk), {"income": "5"}, format="json")

    assert response.status_code == 409
    assert response.json() == NOT_A_DRAFT
    assert snapshot() == before


def test_confirming_twice_is_409_the_second_time(partner, partner_client):
    draft = DraftFactory(partner=partner)
    body = {"income": "100", "email_client": "c@example.com", "phone": "+79991234567"}
    assert partner_client.post(confirm(draft.pk), body, format="json").status_code == 200
    before = snapshot()

    response = partner_client.post(confirm(draft.pk), body, format="json")

    assert response.status_code == 409
    assert response.json() == NOT_A_DRAFT
    assert snapshot() == before


@pytest.mark.parametrize("whose", ["another partner's", "another partner's submitted", "unknown"])
def test_confirm_of_a_draft_that_is_not_yours_is_404(partner_client, whose):
    draft = DraftFactory()
    order_id = {
        "another partner's": draft.pk,
        "another partner's submitted": OrderFactory().pk,
        "unknown": draft.pk + 1000,
    }[whose]
    before = snapshot()

    response = partner_client.post(
        confirm(order_id),
        {"income": "100", "email_client": "c@example.com", "phone": "+79991234567"},
        format="json",
    )

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert snapshot() == before


@pytest.mark.parametrize("what", ["product", "bank", "category"])
def test_confirm_after_the_product_was_withdrawn_is_409(partner, partner_client, what):
    draft = DraftFactory(partner=partner)
    withdrawn = {
        "product": draft.product,
        "bank": draft.product.bank,
        "category": draft.product.category,
    }[what]
    withdrawn.is_active = False
    withdrawn.save()
    before = snapshot()

    response = partner_client.post(
        confirm(draft.pk),
        {"income": "100", "email_client": "c@example.com", "phone": "+79991234567"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json() == NO_LONGER_AVAILABLE
    assert snapshot() == before


@pytest.mark.parametrize(
    ("earlier", "body"),
    [
        (
            {"phone": "+79991234567", "email_client": "first@example.com"},
            {"phone": "8 999 123-45-67", "email_client": "second@example.com"},
        ),
        (
            {"phone": "+79990000001", "email_client": "Client@Example.com"},
            {"phone": "+79990000002", "email_client": "client@example.COM"},
        ),
    ],
    ids=["same phone", "same e-mail in another case"],
)
@pytest.mark.parametrize("channel", ["link", "partner"])
def test_confirm_of_a_duplicate_within_24_hours_is_409_and_the_draft_stays(
    partner, partner_client, earlier, body, channel
):
    product = ProductFactory()
    OrderFactory(
        product=product,
        channel=channel,
        submitted_at=timezone.now() - timedelta(hours=23),
        **earlier,
    )
    draft = DraftFactory(partner=partner, product=product)
    before = snapshot()

    response = partner_client.post(confirm(draft.pk), {"income": "100", **body}, format="json")

    assert response.status_code == 409
    assert response.json() == DUPLICATE
    assert snapshot() == before
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize("earlier", ["older than 24 hours", "another product", "a draft"])
def test_confirm_is_not_a_duplicate_of_what_the_rule_does_not_cover(
    partner, partner_client, earlier
):
    product = ProductFactory()
    same = {"phone": "+79991234567", "email_client": "client@example.com"}
    if earlier == "older than 24 hours":
        OrderFactory(product=product, submitted_at=timezone.now() - timedelta(hours=25), **same)
    elif earlier == "another product":
        OrderFactory(**same)
    else:
        DraftFactory(product=product, income=Decimal("10.00"), **same)
    draft = DraftFactory(partner=partner, product=product)

    response = partner_client.post(confirm(draft.pk), {"income": "100", **same}, format="json")

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == "new"


# --- Drafts: delete -----------------------------------------------------------------------


def test_delete_removes_a_draft_and_its_history(partner, partner_client):
    draft = DraftFactory(partner=partner)
    kept = OrderFactory(partner=partner)

    response = partner_client.delete(detail(draft.pk))

    assert response.status_code == 204
    assert response.content == b""
    assert list(Order.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not OrderStatusChange.objects.filter(order_id=draft.pk).exists()
    assert OrderStatusChange.objects.filter(order=kept).count() == 1
    assert partner_client.get(detail(draft.pk)).status_code == 404


@pytest.mark.parametrize("status", ["new", "viewed", "approved", "rejected"])
def test_delete_of_a_submitted_application_is_409(partner, partner_client, status):
    order = OrderFactory(partner=partner, status=status)
    before = snapshot()

    response = partner_client.delete(detail(order.pk))

    assert response.status_code == 409
    assert response.json() == NOT_A_DRAFT
    assert snapshot() == before


@pytest.mark.parametrize(
    "whose", ["another partner's draft", "another partner's submitted", "unknown"]
)
def test_delete_of_an_application_that_is_not_yours_is_404(partner_client, whose):
    draft = DraftFactory()
    order_id = {
        "another partner's draft": draft.pk,
        "another partner's submitted": OrderFactory().pk,
        "unknown": draft.pk + 1000,
    }[whose]
    before = snapshot()

    response = partner_client.delete(detail(order_id))

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert snapshot() == before
