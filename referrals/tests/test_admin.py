"""The admin lists codes and referrals, searches them and deactivates codes."""

import pytest
from django.urls import reverse

from referrals.models import InviteCode, Referral
from referrals.tests.factories import PartnerFactory, ReferralFactory, personal_code

pytestmark = pytest.mark.django_db

CODES = reverse("admin:referrals_invitecode_changelist")
REFERRALS = reverse("admin:referrals_referral_changelist")


def test_code_list_searches_by_code_username_and_email(admin_client):
    anna = PartnerFactory(username="anna", email="anna@example.com")
    PartnerFactory(username="boris")
    code = personal_code(anna)

    for term in (code.lower(), "anna", "anna@example.com"):
        response = admin_client.get(CODES, {"q": term})
        assert response.status_code == 200
        assert code in response.content.decode()
        assert response.context["cl"].result_count == 1


def test_code_list_filters_by_active(admin_client):
    partner = PartnerFactory()
    InviteCode.objects.filter(user=partner).update(is_active=False)

    response = admin_client.get(CODES, {"is_active__exact": "0"})

    assert list(response.context["cl"].result_list) == [InviteCode.objects.get(user=partner)]


def test_action_deactivates_selected_codes(admin_client):
    first, second, kept = (personal_code(PartnerFactory()) for _ in range(3))
    selected = InviteCode.objects.filter(code__in=[first, second])

    response = admin_client.post(
        CODES,
        {"action": "deactivate_codes", "_selected_action": [c.pk for c in selected]},
        follow=True,
    )

    assert response.status_code == 200
    assert not InviteCode.objects.filter(code__in=[first, second], is_active=True).exists()
    assert InviteCode.objects.get(code=kept).is_active


def test_code_added_in_admin_is_stored_upper_case(admin_client):
    partner = PartnerFactory()
    InviteCode.objects.filter(user=partner).update(is_active=False)

    response = admin_client.post(
        reverse("admin:referrals_invitecode_add"),
        {"user": partner.pk, "code": "admin1", "is_active": "on"},
    )

    assert response.status_code == 302
    assert InviteCode.objects.get(user=partner, is_active=True).code == "ADMIN1"


def test_second_active_code_in_admin_is_a_form_error_not_a_500(admin_client):
    partner = PartnerFactory()

    response = admin_client.post(
        reverse("admin:referrals_invitecode_add"),
        {"user": partner.pk, "code": "ADMIN2", "is_active": "on"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert InviteCode.objects.filter(user=partner).count() == 1


def test_referral_list_searches_usernames_and_is_read_only(admin_client):
    ReferralFactory(
        referred=PartnerFactory(username="newbie"), referrer=PartnerFactory(username="boss")
    )
    ReferralFactory()

    for term in ("newbie", "boss"):
        response = admin_client.get(REFERRALS, {"q": term})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 1
    assert admin_client.get(reverse("admin:referrals_referral_add")).status_code == 403
    referral = Referral.objects.first()
    change = admin_client.get(reverse("admin:referrals_referral_change", args=[referral.pk]))
    assert change.status_code == 200  # viewable, not editable
    assert b'name="referrer"' not in change.content


def test_lists_do_not_query_per_row(admin_client, django_assert_max_num_queries):
    ReferralFactory.create_batch(30)

    with django_assert_max_num_queries(12):
        assert admin_client.get(REFERRALS).status_code == 200
    with django_assert_max_num_queries(12):
        assert admin_client.get(CODES).status_code == 200
