"""Events, deliveries and endpoints in the admin: records to read, the redelivery to act,
and never a signing secret on a page."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import TestCase
from django.utils import timezone

from core.models import Event
from webhooks import admin as webhooks_admin
from webhooks import tasks, transport
from webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Endpoint
from webhooks.tests.factories import (
    DeliveryAttemptFactory,
    DeliveryFactory,
    EndpointFactory,
    FailedDeliveryFactory,
)

pytestmark = pytest.mark.django_db

EVENTS = "/admin/core/event/"
DELIVERIES = "/admin/webhooks/delivery/"
ENDPOINTS = "/admin/webhooks/endpoint/"


@pytest.fixture
def bank_endpoint() -> Endpoint:
    return EndpointFactory(url="https://bank.example.com/hooks")


@pytest.fixture
def partner_endpoint() -> Endpoint:
    return EndpointFactory(for_partner=True, url="https://partner.example.com/in")


@pytest.fixture
def failed(bank_endpoint) -> Delivery:
    """A delivery that used up its schedule, with two of its attempts logged."""
    delivery = FailedDeliveryFactory(endpoint=bank_endpoint)
    for number in (1, 2):
        DeliveryAttemptFactory(
            delivery=delivery,
            number=number,
            attempted_at=timezone.now() - timedelta(hours=10 - number),
        )
    return delivery


@pytest.fixture
def records(failed, partner_endpoint) -> dict:
    """A row of every kind: a failed bank delivery and a succeeded partner one."""
    succeeded = DeliveryFactory(
        endpoint=partner_endpoint,
        status=DeliveryStatus.SUCCEEDED,
        attempts=1,
        next_attempt_at=None,
        last_status_code=200,
        delivered_at=timezone.now(),
    )
    DeliveryAttemptFactory(delivery=succeeded, status_code=200, error="")
    return {"failed": failed, "succeeded": succeeded}


@pytest.fixture
def sent(monkeypatch) -> list:
    """Every POST a delivery makes (none leaves the test); each receiver answers 200."""
    posts = []

    def post(url, *, body, headers):
        posts.append((url, body, headers))
        return transport.Outcome(200, "", 1)

    monkeypatch.setattr(transport, "post", post)
    return posts


def snapshot() -> tuple[list, list, list, list]:
    return (
        list(Event.objects.order_by("id").values()),
        list(Endpoint.objects.order_by("id").values()),
        list(Delivery.objects.order_by("id").values()),
        list(DeliveryAttempt.objects.order_by("id").values()),
    )


def act(admin_client, changelist: str, action: str, objects):
    """Run an admin action; what it hands on after its commit runs as the request's commit
    would run it (each test is one transaction that never commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return admin_client.post(
            changelist,
            {"action": action, "_selected_action": [obj.pk for obj in objects]},
            follow=True,
        )


# --- Pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        EVENTS,
        f"{EVENTS}?type__exact=application.submitted",
        f"{EVENTS}?audience__exact=partner",
        f"{EVENTS}?q=application",
        DELIVERIES,
        f"{DELIVERIES}?status__exact=failed",
        f"{DELIVERIES}?event__type=application.submitted",
        ENDPOINTS,
        f"{ENDPOINTS}?q=example.com",
    ],
)
def test_changelists_answer_with_rows(admin_client, records, url):
    response = admin_client.get(url)

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_the_delivery_changelist_filters_by_status(admin_client, records):
    response = admin_client.get(f"{DELIVERIES}?status__exact=failed")

    assert [row.pk for row in response.context["cl"].result_list] == [records["failed"].pk]


def test_the_change_pages_answer(admin_client, records, bank_endpoint, partner_endpoint):
    failed = records["failed"]
    pages = [
        f"{EVENTS}{failed.event_id}/change/",
        f"{EVENTS}{records['succeeded'].event_id}/change/",
        f"{DELIVERIES}{failed.pk}/change/",
        f"{DELIVERIES}{records['succeeded'].pk}/change/",
        f"{ENDPOINTS}{bank_endpoint.pk}/change/",
        f"{ENDPOINTS}{partner_endpoint.pk}/change/",
    ]

    for page in pages:
        assert admin_client.get(page).status_code == 200, page


def test_the_delivery_page_shows_its_attempts(admin_client, failed):
    response = admin_client.get(f"{DELIVERIES}{failed.pk}/change/")

    content = response.content.decode()
    assert "The receiver answered 500." in content
    assert content.count("attempt") >= 2


def test_no_page_shows_a_secret_or_its_ciphertext(admin_client, records, bank_endpoint):
    pages = [
        ENDPOINTS,
        f"{ENDPOINTS}{bank_endpoint.pk}/change/",
        DELIVERIES,
        f"{DELIVERIES}{records['failed'].pk}/change/",
        EVENTS,
        f"{EVENTS}{records['failed'].event_id}/change/",
    ]

    for page in pages:
        content = admin_client.get(page).content.decode()
        assert bank_endpoint.secret not in content, page
        assert bank_endpoint.secret.removeprefix("whsec_") not in content, page
        assert bank_endpoint.secret_encrypted not in content, page
        assert "secret_encrypted" not in content, page


def test_endpoints_are_not_added_by_hand(admin_client):
    assert admin_client.get(f"{ENDPOINTS}add/").status_code == 403


@pytest.mark.parametrize(
    "url, events",
    [
        ("https://new.example.com/hooks", '["application.decided"]'),
        ("https://127.0.0.1/", '["application.submitted"]'),
        ("https://hooks.example.com/", '["payout.paid"]'),
        ("https://hooks.example.com/", '"application.submitted"'),
    ],
    ids=["valid", "loopback", "partner-only-type", "not-a-list"],
)
def test_an_endpoint_is_not_changed_in_the_admin(admin_client, bank_endpoint, url, events):
    """Subscriptions change only through the API, under its rules (the URL guard, the
    owner's own event types): the admin reads them and may delete them."""
    before = snapshot()

    response = admin_client.post(
        f"{ENDPOINTS}{bank_endpoint.pk}/change/", {"url": url, "events": events}
    )

    assert response.status_code == 403
    assert snapshot() == before


# --- Records are read-only ------------------------------------------------------------------


@pytest.mark.parametrize("changelist", [EVENTS, DELIVERIES])
def test_events_and_deliveries_cannot_be_added(admin_client, changelist):
    assert admin_client.get(f"{changelist}add/").status_code == 403


def test_events_and_deliveries_cannot_be_changed_or_deleted(admin_client, records):
    failed = records["failed"]
    before = snapshot()

    for page in (f"{EVENTS}{failed.event_id}/", f"{DELIVERIES}{failed.pk}/"):
        changed = admin_client.post(f"{page}change/", {"status": "succeeded", "type": "x"})
        deleted = admin_client.post(f"{page}delete/", {"post": "yes"})
        assert changed.status_code == 403, page
        assert deleted.status_code == 403, page
        assert admin_client.get(f"{page}delete/").status_code == 403, page
    assert snapshot() == before


@pytest.mark.parametrize("changelist", [EVENTS, DELIVERIES])
def test_no_bulk_delete_is_offered_for_records(admin_client, records, changelist):
    response = admin_client.get(changelist)

    choices = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in choices
    assert "redeliver" in choices


def test_bulk_delete_of_records_is_refused(admin_client, records):
    before = snapshot()

    act(admin_client, DELIVERIES, "delete_selected", [records["failed"]])

    assert snapshot() == before


# --- Redelivery -----------------------------------------------------------------------------


def test_redeliver_makes_a_failed_delivery_due_now_with_a_fresh_schedule(
    admin_client, failed, monkeypatch
):
    handed_on = []
    monkeypatch.setattr(
        webhooks_admin, "run_after_commit", lambda task, *args: handed_on.append((task, args))
    )
    started = timezone.now()

    response = act(admin_client, DELIVERIES, "redeliver", [failed])

    assert response.status_code == 200
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (DeliveryStatus.PENDING, 0)
    assert started <= failed.next_attempt_at <= timezone.now()
    assert handed_on == [(tasks.delivery_attempt, (failed.pk,))]
    assert DeliveryAttempt.objects.filter(delivery=failed).count() == 2  # the past stays
    assert "1 delivery sent again." in response.content.decode()


def test_a_redelivered_delivery_is_sent_again_at_once(admin_client, failed, monkeypatch):
    seen = []

    def post(url, *, body, headers):
        # What the attempt found: pending again, its schedule started afresh.
        seen.append((url, *Delivery.objects.values_list("status", "attempts").get(pk=failed.pk)))
        return transport.Outcome(200, "", 1)

    monkeypatch.setattr(transport, "post", post)

    act(admin_client, DELIVERIES, "redeliver", [failed])

    assert seen == [(failed.endpoint.url, DeliveryStatus.PENDING, 0)]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_status_code) == (
        DeliveryStatus.SUCCEEDED,
        1,
        200,
    )
    assert failed.delivered_at is not None
    assert failed.next_attempt_at is None
    latest = DeliveryAttempt.objects.filter(delivery=failed).order_by("-id").first()
    assert (latest.number, latest.status_code, latest.error) == (1, 200, "")
    assert DeliveryAttempt.objects.filter(delivery=failed).count() == 3


def test_redelivering_an_event_sends_it_to_every_endpoint_it_went_to(admin_client, failed, sent):
    second = FailedDeliveryFactory(
        event=failed.event, endpoint=EndpointFactory(url="https://second.example.com/")
    )
    DeliveryFactory(endpoint=EndpointFactory(url="https://unrelated.example.com/"))

    act(admin_client, EVENTS, "redeliver", [failed.event])

    assert sorted(url for url, _, _ in sent) == sorted([failed.endpoint.url, second.endpoint.url])
    assert set(Delivery.objects.filter(event=failed.event).values_list("status", flat=True)) == {
        DeliveryStatus.SUCCEEDED
    }


def test_a_redelivery_that_fails_again_waits_for_its_first_retry(
    admin_client, failed, monkeypatch, settings
):
    monkeypatch.setattr(
        transport,
        "post",
        lambda url, **kwargs: transport.Outcome(503, "The receiver answered 503.", 1),
    )

    act(admin_client, DELIVERIES, "redeliver", [failed])

    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_status_code) == (
        DeliveryStatus.PENDING,
        1,
        503,
    )
    first_delay = settings.WEBHOOK_RETRY_SCHEDULE[0]
    wait = (failed.next_attempt_at - timezone.now()).total_seconds()
    assert first_delay * 0.8 < wait <= first_delay * 1.1


def test_a_staff_member_who_may_only_view_cannot_redeliver(client, failed, sent):
    viewer = get_user_model().objects.create_user("viewer", password="pw-viewer-123", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_delivery", "view_event"])
    )
    client.force_login(viewer)
    before = snapshot()

    listed = client.get(DELIVERIES)
    act(client, DELIVERIES, "redeliver", [failed])

    assert listed.status_code == 200
    form = listed.context["action_form"]  # None: no action is offered at all
    assert form is None or "redeliver" not in dict(form.fields["action"].choices)
    assert sent == []
    assert snapshot() == before
