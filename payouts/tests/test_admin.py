"""The admin of payouts and commissions: actions through the services, records never edited."""

import csv
import io
from decimal import Decimal

import pytest

from payouts.models import Commission, Payout
from payouts.tests.factories import CommissionFactory, PayoutFactory
from payouts.tests.helpers import snapshot
from referrals.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
PAYOUTS = "/admin/payouts/payout/"
COMMISSIONS = "/admin/payouts/commission/"


@pytest.fixture
def requested():
    """A requested payout of two commissions."""
    partner = PartnerFactory(payout_details='=HYPERLINK("http://x") 40817810099910004312')
    payout = PayoutFactory(
        partner=partner,
        status="requested",
        amount=Decimal("1200.00"),
        payout_details=partner.payout_details,
    )
    for _ in range(2):
        CommissionFactory(
            partner=partner, payout=payout, status="available", amount=Decimal("600.00")
        )
    payout.commissions_count = 2
    payout.save()
    return payout


def act(admin_client, action: str, payouts, **extra):
    return admin_client.post(
        PAYOUTS,
        {"action": action, "_selected_action": [p.pk for p in payouts], **extra},
        follow=True,
    )


def test_the_payout_changelist_filters_by_status(admin_client, requested):
    PayoutFactory(status="paid")

    response = admin_client.get(f"{PAYOUTS}?status__exact=requested")

    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [requested.pk]


def test_mark_paid_asks_for_a_reference_then_pays(admin_client, admin_user, requested):
    form = act(admin_client, "mark_paid", [requested])
    assert b"reference" in form.content
    assert Payout.objects.get().status == "requested"

    act(admin_client, "mark_paid", [requested], apply="1", reference="TRX-42")

    requested.refresh_from_db()
    assert (requested.status, requested.reference, requested.decided_by) == (
        "paid",
        "TRX-42",
        admin_user,
    )
    assert requested.decided_at is not None
    assert set(requested.commissions.values_list("status", flat=True)) == {"paid"}


def test_reject_needs_a_reason_and_gives_the_commissions_back(admin_client, requested):
    act(admin_client, "reject", [requested], apply="1", reason="")
    assert Payout.objects.get().status == "requested"

    act(admin_client, "reject", [requested], apply="1", reason="account closed")

    requested.refresh_from_db()
    assert (requested.status, requested.reason) == ("rejected", "account closed")
    assert Commission.objects.filter(payout__isnull=True, status="available").count() == 2


def test_a_settled_payout_is_not_changed_again(admin_client):
    paid = PayoutFactory(status="paid")
    before = snapshot()

    response = act(admin_client, "reject", [paid], apply="1", reason="too late")

    assert "Not changed" in " ".join(str(m) for m in response.context["messages"])
    assert snapshot() == before


def test_csv_export_has_what_the_transfer_needs(admin_client, requested):
    response = act(admin_client, "export_csv", [requested])

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["payout", "partner", "payout_details", "amount", "currency", "status"]
    assert rows[1][1:] == [
        requested.partner.username,
        "'" + requested.payout_details,  # a formula is neutralised
        "1200.00",
        "RUB",
        "requested",
    ]


def test_commissions_and_payouts_cannot_be_added_changed_or_deleted(admin_client, requested):
    commission = requested.commissions.first()
    before = snapshot()

    assert admin_client.get(f"{COMMISSIONS}add/").status_code == 403
    assert admin_client.get(f"{PAYOUTS}add/").status_code == 403
    assert admin_client.post(f"{COMMISSIONS}{commission.pk}/delete/").status_code == 403
    assert admin_client.post(f"{PAYOUTS}{requested.pk}/delete/").status_code == 403
    admin_client.post(f"{COMMISSIONS}{commission.pk}/change/", {"amount": "1.00"})
    admin_client.post(f"{PAYOUTS}{requested.pk}/change/", {"amount": "1.00"})
    assert snapshot() == before
    assert admin_client.get(f"{PAYOUTS}{requested.pk}/change/").status_code == 200


def test_commission_changelist_renders(admin_client, requested):
    response = admin_client.get(COMMISSIONS)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 2
