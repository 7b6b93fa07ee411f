"""An application's admin page: read-only (no Save, a POST refused), with approve / reject and
a reason that go through the same decision flow as the bank's (history, commissions)."""

import pytest

from orders.models import ChangeSource, Order, OrderStatusChange
from orders.tests.factories import DraftFactory, OrderFactory
from payouts.models import Commission

pytestmark = pytest.mark.django_db


def page(order) -> str:
    return f"/admin/orders/order/{order.pk}/change/"


def decide(admin_client, order, **data):
    return admin_client.post(f"/admin/orders/order/{order.pk}/decide/", data, follow=True)


def test_the_page_shows_no_save_and_refuses_a_post(admin_client):
    order = OrderFactory()
    before = Order.objects.filter(pk=order.pk).values().get()

    shown = admin_client.get(page(order)).content.decode()
    posted = admin_client.post(page(order), {"status": "approved"})

    assert 'name="_save"' not in shown
    assert 'name="_continue"' not in shown
    assert posted.status_code == 403
    assert Order.objects.filter(pk=order.pk).values().get() == before


def test_approve_with_a_reason_goes_through_the_decision_flow(admin_client, admin_user):
    order = OrderFactory()
    assert 'value="approved"' in admin_client.get(page(order)).content.decode()

    response = decide(admin_client, order, status="approved", reason="checked by phone")

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == "approved"
    assert order.reward is not None
    step = OrderStatusChange.objects.filter(order=order).order_by("id").last()
    assert step.source == ChangeSource.ADMIN
    assert step.reason == f"checked by phone (by {admin_user.username})"
    assert Commission.objects.filter(order=order, kind="sale").count() == 1


def test_reject_without_a_reason_records_who(admin_client, admin_user):
    order = OrderFactory(status="viewed")

    decide(admin_client, order, status="rejected")

    order.refresh_from_db()
    assert order.status == "rejected"
    step = OrderStatusChange.objects.filter(order=order).order_by("id").last()
    assert step.reason == f"by {admin_user.username}"
    assert not Commission.objects.filter(order=order).exists()


@pytest.mark.parametrize("status", ["approved", "rejected"])
def test_a_decided_application_shows_no_decision_form(admin_client, status):
    order = OrderFactory(status=status)

    assert "orders_order_decide" not in admin_client.get(page(order)).content.decode()
    assert (
        f"/admin/orders/order/{order.pk}/decide/"
        not in admin_client.get(page(order)).content.decode()
    )


def test_a_contradicting_decision_changes_nothing_and_says_why(admin_client):
    order = OrderFactory(status="rejected")
    before = Order.objects.filter(pk=order.pk).values().get()

    response = decide(admin_client, order, status="approved")

    assert "already decided" in response.content.decode()
    assert Order.objects.filter(pk=order.pk).values().get() == before
    assert not Commission.objects.exists()


@pytest.mark.parametrize(
    "data", [{}, {"status": "viewed"}, {"status": "approved", "reason": "x" * 401}]
)
def test_a_bad_decision_form_changes_nothing(admin_client, data):
    order = OrderFactory()

    decide(admin_client, order, **data)

    order.refresh_from_db()
    assert order.status == "new"


def test_a_draft_cannot_be_decided_from_its_page(admin_client):
    draft = DraftFactory()

    decide(admin_client, draft, status="approved")

    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_get_of_the_decision_url_changes_nothing(admin_client):
    order = OrderFactory()

    admin_client.get(f"/admin/orders/order/{order.pk}/decide/?status=approved")

    order.refresh_from_db()
    assert order.status == "new"


def test_the_channel_is_shown_truthfully(admin_client):
    OrderFactory(channel="partner")

    listing = admin_client.get("/admin/orders/order/").content.decode()

    assert "partner, for a client" in listing
    assert "partner&#x27;s draft" not in listing
