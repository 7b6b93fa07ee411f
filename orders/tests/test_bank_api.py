"""The bank's side of applications: the list it pulls and the decisions it reports.

A decision arrives two ways with the same body and rules: the seed's callback
`PUT /api/order/{id}/{token}/` (token in the URL) and `PATCH /api/bank/orders/{id}/`
(`Authorization: Bank <token>`).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from catalog.services import bank_issue_token
from catalog.tests.factories import BankFactory, ProductFactory
from orders.models import ChangeSource, Order, OrderStatusChange
from orders.tests.factories import DraftFactory, OrderFactory
from tests import clients
from tests.bulk import create_many
from tests.clients import bearer_client

pytestmark = pytest.mark.django_db

LIST = "/api/bank/orders/"


@pytest.fixture
def bank():
    return BankFactory(name="Example Bank")


@pytest.fixture
def token(bank) -> str:
    return bank_issue_token(bank=bank)


@pytest.fixture
def bank_client(bank) -> APIClient:
    return clients.bank_client(bank)


@pytest.fixture
def order(bank):
    return OrderFactory(
        product=ProductFactory(bank=bank, percent_user=Decimal("1.25")),
        income=Decimal("10.10"),
    )


def put(order_id: int, token: str, body):
    return APIClient().put(f"/api/order/{order_id}/{token}/", body, format="json")


class Decide:
    """Report a decision either way; both must behave alike."""

    def __init__(self, how: str, token: str) -> None:
        self.how = how
        self.token = token

    def __call__(self, order_id: int, body):
        if self.how == "PUT":
            return put(order_id, self.token, body)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bank {self.token}")
        return client.patch(f"/api/bank/orders/{order_id}/", body, format="json")


@pytest.fixture(params=["PUT", "PATCH"])
def decide(request, token) -> Decide:
    return Decide(request.param, token)


def state(order: Order) -> tuple:
    """What a refused or no-op decision must leave untouched."""
    fresh = Order.objects.get(pk=order.pk)
    history = list(
        OrderStatusChange.objects.filter(order=order)
        .order_by("pk")
        .values_list("from_status", "to_status", "source", "reason")
    )
    return fresh.status, fresh.reward, fresh.decided_at, fresh.updated_at, history


# --- Decisions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, status",
    [
        ({"view": True}, "viewed"),
        ({"status": "viewed"}, "viewed"),
        ({"approval": True}, "approved"),
        ({"status": "approved"}, "approved"),
        ({"status": "rejected", "reason": "Low income"}, "rejected"),
        ({"view": True, "approval": True}, "approved"),
        ({"view": True, "status": "rejected"}, "rejected"),
    ],
)
def test_a_decision_moves_the_application_and_is_recorded(decide, order, body, status):
    response = decide(order.pk, body)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": order.pk,
        "view": True,
        "approval": status == "approved",
        "status": status,
    }
    order.refresh_from_db()
    assert order.status == status
    change = OrderStatusChange.objects.filter(order=order).order_by("pk").last()
    assert (change.from_status, change.to_status, change.source) == ("new", status, "bank")
    assert change.reason == body.get("reason", "")
    if status in ("approved", "rejected"):
        assert order.decided_at is not None
    else:
        assert order.decided_at is None


def test_approval_computes_the_reward_once_rounded_half_up(decide, order):
    """10.10 * 1.25 % = 0.12625 → 0.13 (truncating would give 0.12)."""
    response = decide(order.pk, {"approval": True})

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.reward == Decimal("0.13")


def test_reward_rounds_a_half_cent_up(decide, bank):
    # 1.00 * 0.50 % = 0.005: half-up gives 0.01, half-even would give 0.00.
    order = OrderFactory(
        product=ProductFactory(bank=bank, percent_user=Decimal("0.50")), income=Decimal("1.00")
    )

    assert decide(order.pk, {"status": "approved"}).status_code == 200
    order.refresh_from_db()
    assert order.reward == Decimal("0.01")


def test_reward_uses_the_percent_copied_at_submission(decide, order):
    order.product.percent_user = Decimal("9.00")
    order.product.save()

    assert decide(order.pk, {"approval": True}).status_code == 200
    order.refresh_from_db()
    assert order.percent_user == Decimal("1.25")
    assert order.reward == Decimal("0.13")


def test_rejection_leaves_no_reward(decide, order):
    assert decide(order.pk, {"status": "rejected"}).status_code == 200
    order.refresh_from_db()
    assert order.reward is None


def test_viewed_then_approved_walks_both_steps(decide, order):
    assert decide(order.pk, {"view": True}).status_code == 200
    assert decide(order.pk, {"approval": True}).status_code == 200

    steps = list(
        OrderStatusChange.objects.filter(order=order, source=ChangeSource.BANK)
        .order_by("pk")
        .values_list("from_status", "to_status")
    )
    assert steps == [("new", "viewed"), ("viewed", "approved")]


@pytest.mark.parametrize(
    "body",
    [{"view": False}, {"approval": False}, {"view": False, "approval": False}],
)
def test_false_flags_change_nothing(decide, order, body):
    before = state(order)

    response = decide(order.pk, body)

    assert response.status_code == 200
    assert response.json() == {"id": order.pk, "view": False, "approval": False, "status": "new"}
    assert state(order) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": "just a note"},
        {"status": "draft"},
        {"status": "new"},
        {"status": "done"},
        {"status": ""},
        {"view": "maybe"},
        {"approval": [True]},
        {"approval": True, "status": "rejected"},
        {"reason": "x" * 501, "status": "viewed"},
        [],
        "approved",
    ],
)
def test_a_bad_body_is_400_and_changes_nothing(decide, order, body):
    before = state(order)

    response = decide(order.pk, body)

    assert response.status_code == 400, response.content
    assert state(order) == before


def test_malformed_json_is_400(token, order):
    before = state(order)

    response = APIClient().generic(
        "PUT", f"/api/order/{order.pk}/{token}/", b"{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert state(order) == before


@pytest.mark.parametrize(
    "status, body",
    [
        ("viewed", {"view": True}),
        ("approved", {"approval": True}),
        ("approved", {"status": "approved"}),
        ("rejected", {"status": "rejected"}),
        # The bank seeing a decided application again: nothing to record.
        ("approved", {"view": True}),
        ("rejected", {"status": "viewed"}),
        # `viewed` after `approved`/`rejected` never goes backwards.
        ("viewed", {"status": "viewed", "reason": "again"}),
    ],
)
def test_repeating_or_lesser_decisions_change_nothing(decide, bank, status, body):
    order = OrderFactory(product=ProductFactory(bank=bank), status=status)
    before = state(order)

    response = decide(order.pk, body)

    assert response.status_code == 200
    assert response.json()["status"] == status
    assert state(order) == before


@pytest.mark.parametrize(
    "status, body",
    [
        ("approved", {"status": "rejected"}),
        ("rejected", {"approval": True}),
        ("rejected", {"status": "approved"}),
    ],
)
def test_contradicting_a_final_decision_is_409_and_changes_nothing(decide, bank, status, body):
    order = OrderFactory(product=ProductFactory(bank=bank), status=status)
    before = state(order)

    response = decide(order.pk, body)

    assert response.status_code == 409
    assert "detail" in response.json()
    assert state(order) == before


def test_the_same_404_for_another_banks_an_unknown_and_a_draft_application(decide, bank):
    others = OrderFactory(product=ProductFactory(bank=BankFactory()))
    draft = DraftFactory(product=ProductFactory(bank=bank))
    unknown = Order.objects.order_by("-pk").first().pk + 1000
    before = [state(others), state(draft)]

    answers = [decide(pk, {"approval": True}) for pk in (others.pk, draft.pk, unknown)]

    assert [answer.status_code for answer in answers] == [404, 404, 404]
    assert len({answer.content for answer in answers}) == 1
    assert [state(others), state(draft)] == before


@pytest.mark.parametrize("token", ["wrong-token", "x" * 300, "%00"])
def test_an_unknown_token_in_the_url_is_404(order, token):
    before = state(order)

    response = put(order.pk, token, {"approval": True})

    assert response.status_code == 404
    assert state(order) == before


def test_a_replaced_token_in_the_url_stops_working(bank, order, token):
    bank_issue_token(bank=bank)
    before = state(order)

    assert put(order.pk, token, {"approval": True}).status_code == 404
    assert state(order) == before


def test_the_token_of_an_inactive_bank_is_refused(bank, order, token):
    bank.is_active = False
    bank.save()
    before = state(order)

    assert put(order.pk, token, {"approval": True}).status_code == 404
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bank {token}")
    assert client.patch(f"/api/bank/orders/{order.pk}/", {"approval": True}).status_code == 401
    assert state(order) == before


@pytest.mark.parametrize("header", [None, "Bank wrong-token", "Bank", "Bank a b", "Bearer x"])
def test_patch_without_a_valid_bank_token_is_401(order, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    before = state(order)

    response = client.patch(f"/api/bank/orders/{order.pk}/", {"approval": True}, format="json")

    assert response.status_code == 401
    assert state(order) == before


def test_a_partner_cannot_decide(order):
    """Even the application's own partner: deciding is the bank's (or an admin's)."""
    before = state(order)

    response = bearer_client(order.partner).patch(
        f"/api/bank/orders/{order.pk}/", {"approval": True}, format="json"
    )

    assert response.status_code == 401
    assert "Authorization: Bank <token>" in response.json()["detail"]
    assert state(order) == before


def test_put_is_the_only_method_of_the_callback(token, order):
    before = state(order)

    for method in ("get", "post", "patch", "delete"):
        response = getattr(APIClient(), method)(f"/api/order/{order.pk}/{token}/")
        assert response.status_code == 405, method
    assert state(order) == before


def test_decisions_are_not_counted_as_a_partners_writes(decide, order, settings):
    """No partner signs in to report a decision, so the per-partner write throttle never
    counts one (the callback has no per-IP throttle either)."""
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "partner_write": "1/min"}

    statuses = [decide(order.pk, {"view": True}).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]


def test_a_decision_takes_a_bounded_number_of_queries(decide, order, django_assert_max_num_queries):
    # An approval also looks up the partner's referrer and writes its commissions (payouts),
    # and records its events: the decision's (bank and partner, one INSERT) and the sale's.
    with django_assert_max_num_queries(12):
        response = decide(order.pk, {"approval": True})

    assert response.status_code == 200


def test_decision_responses_never_carry_the_token(decide, order, token):
    response = decide(order.pk, {"approval": True})

    assert token not in response.content.decode()


# --- The list -------------------------------------------------------------------------------


def test_the_list_shows_the_banks_submitted_applications_with_client_fields(
    bank_client, bank, order
):
    DraftFactory(product=ProductFactory(bank=bank))
    OrderFactory(product=ProductFactory(bank=BankFactory()))

    response = bank_client.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["results"]
    product = order.product
    assert item == {
        "id": order.pk,
        "product": {"id": product.pk, "name": product.name, "external_id": product.external_id},
        "income": "10.10",
        "email_client": order.email_client,
        "phone": order.phone,
        "status": "new",
        "view": False,
        "approval": False,
        "created_at": item["created_at"],
        "submitted_at": item["submitted_at"],
    }
    assert item["created_at"] and item["submitted_at"]


def test_the_list_never_shows_the_partner_or_its_money(bank_client, bank):
    order = OrderFactory(product=ProductFactory(bank=bank), status="approved")

    [item] = bank_client.get(LIST).json()["results"]

    for hidden in ("partner", "percent_user", "reward", "channel", "token", "token_bank"):
        assert hidden not in item
    assert order.partner.username not in str(item)


def test_the_list_is_in_submission_order(bank_client, bank):
    now = timezone.now()
    product = ProductFactory(bank=bank)
    late = OrderFactory(product=product, submitted_at=now)
    early = OrderFactory(product=product, submitted_at=now - timedelta(hours=2))
    middle = OrderFactory(product=product, submitted_at=now - timedelta(hours=1))

    ids = [item["id"] for item in bank_client.get(LIST).json()["results"]]

    assert ids == [early.pk, middle.pk, late.pk]


def test_status_filter(bank_client, bank):
    product = ProductFactory(bank=bank)
    approved = OrderFactory(product=product, status="approved")
    OrderFactory(product=product, status="new")
    OrderFactory(product=product, status="rejected")

    response = bank_client.get(LIST, {"status": "approved"})

    assert [item["id"] for item in response.json()["results"]] == [approved.pk]


@pytest.mark.parametrize("status", ["draft", "done", "APPROVED"])
def test_an_unknown_status_filter_is_400(bank_client, order, status):
    response = bank_client.get(LIST, {"status": status})

    assert response.status_code == 400
    assert "status" in response.json()


def test_since_filters_on_submission_at_or_after(bank_client, bank):
    moment = timezone.now() - timedelta(hours=1)
    product = ProductFactory(bank=bank)
    OrderFactory(product=product, submitted_at=moment - timedelta(seconds=1))
    at = OrderFactory(product=product, submitted_at=moment)
    after = OrderFactory(product=product, submitted_at=moment + timedelta(minutes=5))

    response = bank_client.get(LIST, {"since": moment.isoformat()})

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [at.pk, after.pk]


def test_since_counts_a_draft_confirmed_late_as_new(bank_client, bank):
    """A draft started long ago but confirmed now is news to the bank: `since` looks at the
    submission, not the creation."""
    order = OrderFactory(product=ProductFactory(bank=bank), submitted_at=timezone.now())
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=10))

    since = (timezone.now() - timedelta(hours=1)).isoformat()
    ids = [item["id"] for item in bank_client.get(LIST, {"since": since}).json()["results"]]

    assert ids == [order.pk]


@pytest.mark.parametrize("since", ["yesterday", "2026-13-01", "2026-11-31T10:00:00Z", "1"])
def test_a_bad_since_is_400(bank_client, order, since):
    response = bank_client.get(LIST, {"since": since})

    assert response.status_code == 400
    assert "since" in response.json()


@pytest.mark.parametrize("header", [None, "Bank wrong-token", "Bearer x"])
def test_the_list_needs_a_bank_token(order, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)

    assert client.get(LIST).status_code == 401


def test_a_partner_token_does_not_open_the_list(order):
    response = bearer_client(order.partner).get(LIST)

    assert response.status_code == 401
    assert "Authorization: Bank <token>" in response.json()["detail"]
    assert "results" not in response.json()


def test_the_list_pages(bank_client, bank):
    product = ProductFactory(bank=bank)
    OrderFactory.create_batch(3, product=product)

    first = bank_client.get(LIST, {"page_size": 2}).json()
    second = bank_client.get(LIST, {"page_size": 2, "page": 2}).json()

    assert first["count"] == 3
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    seen = {item["id"] for item in first["results"] + second["results"]}
    assert seen == set(Order.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("rows", [3, 100, 1000])
def test_the_list_takes_the_same_queries_for_3_or_100_rows(
    bank_client, bank, rows, django_assert_max_num_queries
):
    products = ProductFactory.create_batch(3, bank=bank)
    partner = UserFactory()
    for index, product in enumerate(products):
        count = rows // 3 + (index < rows % 3)
        create_many(OrderFactory, count, partner=partner, product=product, bank=bank)

    with django_assert_max_num_queries(3):
        response = bank_client.get(LIST, {"page_size": 100})

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(rows, 100)


def test_an_application_stays_with_the_bank_it_was_sent_to():
    """The bank's list is of the applications sent to it: moving the product to another bank
    later (an admin's edit) takes none of them away."""
    alpha, beta = BankFactory(name="Alpha"), BankFactory(name="Beta")
    product = ProductFactory(bank=alpha)
    order = OrderFactory(product=product)
    product.bank = beta
    product.save()

    listed = clients.bank_client(alpha).get("/api/bank/orders/").json()["results"]
    assert [item["id"] for item in listed] == [order.pk]
    assert clients.bank_client(beta).get("/api/bank/orders/").json()["results"] == []
