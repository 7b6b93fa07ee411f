from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from catalog.tests.factories import BankFactory, ProductFactory
from orders.models import ChangeSource, Order, OrderStatus, OrderStatusChange, ReferralClick
from orders.tests.factories import DraftFactory, OrderFactory, ReferralClickFactory

pytestmark = pytest.mark.django_db

ORDERS = "/admin/orders/order/"
CLICKS = "/admin/orders/referralclick/"
# Measured on PostgreSQL, the same with 3 rows and with 30: session, admin user, the bank
# and partner filters' choices, two counts, the page joined to its partners, products and
# banks, and two for the date hierarchy.
ORDER_CHANGELIST_QUERIES = 9
# Session, admin user, the bank filter's choices, two counts, the page joined to its partners,
# products and banks, and the date hierarchy's.
CLICK_CHANGELIST_QUERIES = 8


def listed(response) -> set[int]:
    """The ids of the rows the changelist shows."""
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def act(admin_client, action: str, orders) -> list[str]:
    """Run an admin action on `orders`; the messages it left."""
    response = admin_client.post(
        ORDERS,
        {"action": action, "_selected_action": [order.pk for order in orders]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def test_order_changelist_renders_its_rows(admin_client):
    orders = [OrderFactory(), OrderFactory(status=OrderStatus.APPROVED), DraftFactory()]

    response = admin_client.get(ORDERS)

    assert listed(response) == {order.pk for order in orders}
    page = response.content.decode()
    for order in orders:
        assert order.partner.username in page
        assert order.product.bank.name in page


def test_click_changelist_renders_its_rows(admin_client):
    clicks = ReferralClickFactory.create_batch(3)

    response = admin_client.get(CLICKS)

    assert listed(response) == {click.pk for click in clicks}
    assert clicks[0].partner.username in response.content.decode()


@pytest.mark.parametrize(
    ("query", "which"),
    [
        pytest.param("alice", "alices", id="partner-username"),
        pytest.param("ivan@example.com", "ivans", id="client-email"),
        pytest.param("+79990001122", "ivans", id="client-phone"),
    ],
)
def test_order_search_finds_the_right_rows(admin_client, query, which):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    groups = {
        "alices": [OrderFactory(partner=alice), OrderFactory(partner=alice)],
        "ivans": [OrderFactory(partner=bob, email_client="ivan@example.com", phone="+79990001122")],
        "others": [OrderFactory(partner=bob)],
    }

    response = admin_client.get(ORDERS, {"q": query})

    assert listed(response) == {order.pk for order in groups[which]}


def test_order_filter_by_status_shows_only_that_status(admin_client):
    approved = OrderFactory(status=OrderStatus.APPROVED)
    OrderFactory(status=OrderStatus.NEW)
    OrderFactory(status=OrderStatus.REJECTED)
    DraftFactory()

    response = admin_client.get(ORDERS, {"status__exact": "approved"})

    assert listed(response) == {approved.pk}


def test_order_filter_by_bank_shows_only_that_banks_applications(admin_client):
    alpha, beta = BankFactory(name="Alpha"), BankFactory(name="Beta")
    alphas = [
        OrderFactory(product=ProductFactory(bank=alpha)),
        OrderFactory(product=ProductFactory(bank=alpha)),
    ]
    OrderFactory(product=ProductFactory(bank=beta))

    response = admin_client.get(ORDERS, {"product__bank__id__exact": alpha.pk})

    assert listed(response) == {order.pk for order in alphas}


def test_order_change_page_shows_its_history(admin_client):
    order = OrderFactory()
    OrderStatusChange.objects.create(
        order=order,
        from_status=OrderStatus.NEW,
        to_status=OrderStatus.VIEWED,
        source=ChangeSource.BANK,
        reason="opened by the credit officer",
    )

    response = admin_client.get(f"{ORDERS}{order.pk}/change/")

    assert response.status_code == 200
    # The history comes first; the commissions' inline (payouts) follows it.
    history = response.context["inline_admin_formsets"][0]
    assert [form.original for form in history] == list(order.history.all())
    assert "opened by the credit officer" in response.content.decode()


def test_there_is_no_adding_applications_in_the_admin(admin_client):
    product = ProductFactory()
    posted = admin_client.post(
        f"{ORDERS}add/",
        {
            "partner": UserFactory().pk,
            "product": product.pk,
            "status": "approved",
            "income": "100.00",
            "email_client": "c@example.com",
            "phone": "+79991234567",
        },
    )

    assert admin_client.get(f"{ORDERS}add/").status_code == 403
    assert posted.status_code == 403
    assert not Order.objects.exists()


def test_approve_action_approves_with_reward_and_records_the_admin(admin_client):
    product = ProductFactory(percent_user=Decimal("1.50"))
    new = OrderFactory(product=product, income=Decimal("3.00"))
    viewed = OrderFactory(product=product, status=OrderStatus.VIEWED, income=Decimal("2000.00"))
    product.percent_user = Decimal("10.00")  # later terms do not change submitted applications
    product.save()

    messages = act(admin_client, "approve", [new, viewed])

    assert messages == ["2 application(s) approved; 0 already were."]
    new.refresh_from_db()
    viewed.refresh_from_db()
    assert (new.status, new.reward) == (OrderStatus.APPROVED, Decimal("0.05"))  # 0.045 half-up
    assert (viewed.status, viewed.reward) == (OrderStatus.APPROVED, Decimal("30.00"))
    assert new.decided_at is not None
    for order, before in ((new, "new"), (viewed, "viewed")):
        assert list(
            order.history.filter(to_status=OrderStatus.APPROVED).values_list(
                "from_status", "source", "reason"
            )
        ) == [(before, "admin", "by admin")]


def test_reject_action_rejects_without_reward_and_records_the_admin(admin_client):
    order = OrderFactory()

    messages = act(admin_client, "reject", [order])

    assert messages == ["1 application(s) rejected; 0 already were."]
    order.refresh_from_db()
    assert (order.status, order.reward) == (OrderStatus.REJECTED, None)
    assert order.decided_at is not None
    assert list(
        order.history.filter(to_status=OrderStatus.REJECTED).values_list(
            "from_status", "source", "reason"
        )
    ) == [("new", "admin", "by admin")]


def test_approving_an_approved_application_again_changes_nothing(admin_client):
    order = OrderFactory(status=OrderStatus.APPROVED)
    before = Order.objects.values().get(pk=order.pk)

    messages = act(admin_client, "approve", [order])

    assert messages == ["0 application(s) approved; 1 already were."]
    assert Order.objects.values().get(pk=order.pk) == before
    assert order.history.count() == 1


@pytest.mark.parametrize(("action", "decided"), [("approve", "approved"), ("reject", "rejected")])
def test_drafts_in_the_selection_are_skipped_with_a_warning(admin_client, action, decided):
    draft = DraftFactory()
    submitted = OrderFactory()
    before = Order.objects.values().get(pk=draft.pk)

    messages = act(admin_client, action, [draft, submitted])

    assert f"1 application(s) {decided}; 0 already were." in messages
    assert "1 draft(s) skipped: a draft is decided only once it is submitted." in messages
    assert Order.objects.values().get(pk=draft.pk) == before
    assert draft.history.count() == 1
    submitted.refresh_from_db()
    assert submitted.status == decided


def test_rejecting_an_approved_application_is_refused_and_changes_nothing(admin_client):
    approved = OrderFactory(status=OrderStatus.APPROVED)
    new = OrderFactory()
    before = Order.objects.values().get(pk=approved.pk)

    messages = act(admin_client, "reject", [approved, new])

    assert "1 application(s) rejected; 0 already were." in messages
    [refusal] = [message for message in messages if message.startswith("Not changed:")]
    assert f"#{approved.pk}:" in refusal
    assert "already decided" in refusal
    assert Order.objects.values().get(pk=approved.pk) == before
    assert approved.history.count() == 1
    new.refresh_from_db()
    assert new.status == OrderStatus.REJECTED


@pytest.mark.parametrize("orders", [3, 30])
def test_order_changelist_query_count_does_not_grow(
    admin_client, django_assert_max_num_queries, orders
):
    for _ in range(orders):
        OrderFactory(partner=UserFactory(), product=ProductFactory(bank=BankFactory()))

    with django_assert_max_num_queries(ORDER_CHANGELIST_QUERIES):
        response = admin_client.get(ORDERS)

    assert len(listed(response)) == orders


@pytest.mark.parametrize("clicks", [3, 30])
def test_click_changelist_query_count_does_not_grow(
    admin_client, django_assert_max_num_queries, clicks
):
    for _ in range(clicks):
        ReferralClickFactory(partner=UserFactory(), product=ProductFactory(bank=BankFactory()))

    with django_assert_max_num_queries(CLICK_CHANGELIST_QUERIES):
        response = admin_client.get(CLICKS)

    assert len(listed(response)) == clicks


def test_applications_and_clicks_cannot_be_deleted_in_the_admin(admin_client):
    order = OrderFactory()
    click = ReferralClickFactory()

    actions = admin_client.get(ORDERS).context["action_form"].fields["action"].choices
    one = admin_client.post(f"{ORDERS}{order.pk}/delete/", {"post": "yes"})
    bulk = admin_client.post(
        ORDERS, {"action": "delete_selected", "_selected_action": [order.pk], "post": "yes"}
    )
    a_click = admin_client.post(f"{CLICKS}{click.pk}/delete/", {"post": "yes"})

    assert "delete_selected" not in [name for name, _ in actions]
    assert (one.status_code, a_click.status_code) == (403, 403)
    assert bulk.status_code in (200, 302)  # an unknown action: the changelist, nothing done
    assert Order.objects.filter(pk=order.pk).exists()
    assert order.history.exists()
    assert ReferralClick.objects.filter(pk=click.pk).exists()
