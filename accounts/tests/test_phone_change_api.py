"""A new phone in PATCH /api/profile/update/ only with the code sent to that number."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from accounts.models import PhoneCode
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import (
    OTHER_PHONE,
    PHONE,
    assert_alive,
    assert_dead,
    send,
    signed_in,
    wrong,
)
from accounts.tokens import issue_token_pair
from tests.clients import bearer_client

User = get_user_model()
pytestmark = pytest.mark.django_db

UPDATE = "/api/profile/update/"
NEW_NATIONAL = "8 999 765-43-21"  # OTHER_PHONE


@pytest.fixture
def partner(db):
    return UserFactory(phone=PHONE)


def code_sent_to(api_client, outbox, phone: str = OTHER_PHONE) -> str:
    assert send(api_client, phone).status_code == 202
    return outbox.code_for(phone)


def test_phone_changes_with_the_code_sent_to_it_and_tokens_renew(
    api_client, outbox, partner, partner_client
):
    code = code_sent_to(api_client, outbox)
    response = partner_client.patch(UPDATE, {"phone": NEW_NATIONAL, "phone_code": code})

    assert response.status_code == 200
    body = response.json()
    assert body["User"][0]["phone"] == OTHER_PHONE
    assert {"access", "refresh"} <= set(body)
    partner.refresh_from_db()
    assert partner.phone == OTHER_PHONE
    assert partner_client.get("/api/profile/").status_code == 401
    assert signed_in(body["access"]).get("/api/profile/").status_code == 200
    assert PhoneCode.objects.get(phone=OTHER_PHONE).used_at is not None
    assert "phone_code" not in body["User"][0]


def test_phone_without_code_is_refused(partner, partner_client):
    response = partner_client.patch(UPDATE, {"phone": OTHER_PHONE, "first_name": "Maria"})

    assert response.status_code == 400
    assert "phone_code" in response.json()
    partner.refresh_from_db()
    assert (partner.phone, partner.first_name) == (PHONE, "Anna")
    assert partner_client.get("/api/profile/").status_code == 200


def test_wrong_code_changes_nothing_but_counts_a_try(api_client, outbox, partner, partner_client):
    code = code_sent_to(api_client, outbox)
    response = partner_client.patch(
        UPDATE, {"phone": OTHER_PHONE, "phone_code": wrong(code), "first_name": "Maria"}
    )

    assert response.status_code == 400
    assert response.json() == {"phone_code": ["Invalid or expired code."]}
    partner.refresh_from_db()
    assert (partner.phone, partner.first_name) == (PHONE, "Anna")
    assert PhoneCode.objects.get(phone=OTHER_PHONE).attempts == 1
    assert partner_client.get("/api/profile/").status_code == 200


def test_code_sent_to_another_number_does_not_fit(api_client, outbox, partner, partner_client):
    code = code_sent_to(api_client, outbox, "+79990001122")
    response = partner_client.patch(UPDATE, {"phone": OTHER_PHONE, "phone_code": code})

    assert response.status_code == 400
    partner.refresh_from_db()
    assert partner.phone == PHONE


def test_number_of_another_partner_is_409_and_changes_nothing(
    api_client, outbox, partner, partner_client
):
    other = UserFactory(phone=OTHER_PHONE)
    code = code_sent_to(api_client, outbox)
    response = partner_client.patch(UPDATE, {"phone": OTHER_PHONE, "phone_code": code})

    assert response.status_code == 409
    assert "detail" in response.json()
    partner.refresh_from_db()
    other.refresh_from_db()
    assert (partner.phone, other.phone) == (PHONE, OTHER_PHONE)
    assert partner_client.get("/api/profile/").status_code == 200


def test_number_taken_at_the_same_moment_is_409_not_500(
    api_client, outbox, partner, partner_client, monkeypatch
):
    """The unique constraint catches what the service's check missed in a race."""
    UserFactory(phone=OTHER_PHONE)
    code = code_sent_to(api_client, outbox)
    real_exists = QuerySet.exists
    calls = []

    def exists_blind_once(queryset):
        calls.append(queryset)
        return False if len(calls) == 1 else real_exists(queryset)

    monkeypatch.setattr(QuerySet, "exists", exists_blind_once)
    response = partner_client.patch(UPDATE, {"phone": OTHER_PHONE, "phone_code": code})

    assert response.status_code == 409
    assert '"phone" =' in str(calls[0].query)  # the check that was blinded
    partner.refresh_from_db()
    assert partner.phone == PHONE


def test_partner_without_phone_adds_one(api_client, outbox):
    partner = UserFactory(phone=None)
    code = code_sent_to(api_client, outbox)
    response = bearer_client(partner).patch(UPDATE, {"phone": OTHER_PHONE, "phone_code": code})

    assert response.status_code == 200
    partner.refresh_from_db()
    assert partner.phone == OTHER_PHONE


def test_the_current_phone_needs_no_code(partner, partner_client):
    response = partner_client.patch(UPDATE, {"phone": "8 999 123 45 67", "last_name": "Petrova"})

    assert response.status_code == 200
    assert "access" not in response.json()
    partner.refresh_from_db()
    assert (partner.phone, partner.last_name) == (PHONE, "Petrova")


def test_invalid_phone_is_400(partner, partner_client):
    response = partner_client.patch(UPDATE, {"phone": "123", "phone_code": "000000"})

    assert response.status_code == 400
    assert "phone" in response.json()


def test_new_phone_signs_in_by_sms_afterwards(
    api_client, outbox, partner, partner_client, settings
):
    settings.PHONE_CODE_RESEND_SECONDS = 0
    code = code_sent_to(api_client, outbox)
    partner_client.patch(UPDATE, {"phone": OTHER_PHONE, "phone_code": code})
    sign_in_code = code_sent_to(api_client, outbox)

    response = api_client.post(
        "/api/auth/phone/verify/", {"phone": OTHER_PHONE, "code": sign_in_code}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["created"] is False
    assert response.json()["user"]["id"] == partner.pk


def test_phone_change_and_back_does_not_revive_earlier_tokens(api_client, outbox, partner):
    earlier = issue_token_pair(partner)

    away = signed_in(earlier["access"]).patch(
        UPDATE, {"phone": OTHER_PHONE, "phone_code": code_sent_to(api_client, outbox)}
    )
    assert away.status_code == 200
    back = signed_in(away.json()["access"]).patch(
        UPDATE, {"phone": PHONE, "phone_code": code_sent_to(api_client, outbox, PHONE)}
    )
    assert back.status_code == 200

    partner.refresh_from_db()
    assert partner.phone == PHONE
    assert_dead(earlier)
    assert_dead({key: away.json()[key] for key in ("access", "refresh")})
    assert_alive({key: back.json()[key] for key in ("access", "refresh")})
