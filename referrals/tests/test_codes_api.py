"""Invite codes: /api/referrals/codes/, /api/referrals/codes/{code}/, .../by-email/."""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from referrals.models import InviteCode
from referrals.tests.factories import InviteCodeFactory, PartnerFactory, personal_code
from tests.clients import bearer_client

pytestmark = pytest.mark.django_db

CODES = "/api/referrals/codes/"
GENERATED = re.compile(r"[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}")


def snapshot():
    return list(InviteCode.objects.order_by("id").values())


def future(days: int = 30) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


# --- Every partner's personal code ----------------------------------------------------------


def test_every_new_partner_gets_a_personal_code_without_look_alikes():
    partner = PartnerFactory()

    [invite] = InviteCode.objects.filter(user=partner)
    assert GENERATED.fullmatch(invite.code)
    assert invite.is_active
    assert invite.expires_at is None


def test_registration_by_password_gives_a_personal_code(api_client):
    response = api_client.post(
        "/api/auth/register/",
        {"username": "anna", "password": "Plum-Orbit-Lantern-42"},
        format="json",
    )

    assert response.status_code == 201
    assert GENERATED.fullmatch(InviteCode.objects.get(user_id=response.json()["id"]).code)


# --- List ---------------------------------------------------------------------------------


def test_list_shows_own_codes_in_the_documented_shape(partner, partner_client):
    PartnerFactory()  # someone else's code is not listed
    response = partner_client.get(CODES)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    [item] = body["results"]
    invite = InviteCode.objects.get(user=partner)
    assert item == {
        "id": invite.pk,
        "user_id": partner.pk,
        "code": invite.code,
        "expires_at": None,
        "is_active": True,
        "uses": 0,
        "created_at": item["created_at"],
    }
    assert "+" in item["created_at"] or item["created_at"].endswith("Z")


def test_expired_code_shows_inactive(partner, partner_client):
    InviteCodeFactory(user=partner, code="OLD1", expires_at=timezone.now() - timedelta(days=1))

    results = partner_client.get(CODES).json()["results"]

    assert [(item["code"], item["is_active"]) for item in results][-1] == ("OLD1", False)


def test_list_requires_authentication(api_client):
    assert api_client.get(CODES).status_code == 401


# --- Create -------------------------------------------------------------------------------


def test_create_custom_code_stores_it_upper_case_and_ends_the_previous(partner, partner_client):
    previous = personal_code(partner)
    expires_at = future()
    response = partner_client.post(CODES, {"code": "ffff1234-x_y", "expires_at": expires_at})

    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "FFFF1234-X_Y"
    assert body["is_active"] is True
    assert body["user_id"] == partner.pk
    assert body["uses"] == 0
    assert InviteCode.objects.get(code=previous).is_active is False
    assert list(InviteCode.objects.filter(user=partner, is_active=True)) == [
        InviteCode.objects.get(code="FFFF1234-X_Y")
    ]
    listed = partner_client.get(CODES).json()["results"]
    assert [(item["code"], item["is_active"]) for item in listed] == [
        (previous, False),
        ("FFFF1234-X_Y", True),
    ]


def test_create_without_code_generates_one(partner, partner_client):
    response = partner_client.post(CODES, {}, format="json")

    assert response.status_code == 201
    assert GENERATED.fullmatch(response.json()["code"])
    assert response.json()["expires_at"] is None
    assert InviteCode.objects.filter(user=partner, is_active=True).count() == 1


@pytest.mark.parametrize("expires_at", ["past", "now", "garbage"])
def test_expiry_must_be_in_the_future(partner, partner_client, expires_at):
    value = {
        "past": (timezone.now() - timedelta(minutes=1)).isoformat(),
        "now": timezone.now().isoformat(),
        "garbage": "tomorrow-ish",
    }[expires_at]
    before = snapshot()
    response = partner_client.post(CODES, {"code": "FRESH1", "expires_at": value})

    assert response.status_code == 400
    assert "expires_at" in response.json()
    assert snapshot() == before


@pytest.mark.parametrize("owner", ["someone else", "me"])
def test_a_taken_code_is_refused_whatever_its_case_and_owner(partner, partner_client, owner):
    InviteCodeFactory(user=PartnerFactory() if owner == "someone else" else partner, code="TAKEN1")
    before = snapshot()
    response = partner_client.post(CODES, {"code": "taken1"})

    assert response.status_code == 400
    assert "code" in response.json()
    assert snapshot() == before


def test_a_deleted_code_stays_taken(partner, partner_client):
    partner_client.post(CODES, {"code": "MINE01"})
    partner_client.delete(f"{CODES}MINE01/")

    response = bearer_client(PartnerFactory()).post(CODES, {"code": "MINE01"})

    assert response.status_code == 400
    assert "code" in response.json()


@pytest.mark.parametrize(
    "code", ["ABC", "A" * 33, "AB CD", "ÄBCD", "AB.CD", "", "by-email", "AB\nCD"]
)
def test_a_malformed_or_reserved_code_is_refused(partner, partner_client, code):
    before = snapshot()
    response = partner_client.post(CODES, {"code": code})

    assert response.status_code == 400
    assert "code" in response.json()
    assert snapshot() == before


def test_the_database_holds_one_active_code_per_partner_and_upper_case_codes(partner):
    with pytest.raises(IntegrityError), transaction.atomic():
        InviteCode.objects.create(user=partner, code="SECOND")
    with pytest.raises(IntegrityError), transaction.atomic():
        InviteCode.objects.create(user=partner, code="lower1", is_active=False)
    InviteCode.objects.create(user=partner, code="INACTIVE", is_active=False)

    assert InviteCode.objects.filter(user=partner, is_active=True).count() == 1


# --- Delete -------------------------------------------------------------------------------


def test_delete_own_code_removes_it_from_use_and_from_the_list(partner, partner_client):
    code = personal_code(partner)
    response = partner_client.delete(f"{CODES}{code.lower()}/")

    assert response.status_code == 204
    invite = InviteCode.objects.get(code=code)
    assert (invite.is_active, invite.deleted_at is not None) == (False, True)
    assert partner_client.get(CODES).json()["count"] == 0
    assert partner_client.get("/api/profile/").json()["User"][0]["invite_code"] is None
    applied = bearer_client(PartnerFactory()).post("/api/referrals/apply/", {"code": code})
    assert applied.status_code == 400
    assert partner_client.delete(f"{CODES}{code}/").status_code == 404


@pytest.mark.parametrize("whose", ["someone else's", "unknown"])
def test_delete_of_a_code_that_is_not_yours_is_404(partner_client, whose):
    code = personal_code(PartnerFactory()) if whose == "someone else's" else "NOSUCH"
    before = snapshot()
    response = partner_client.delete(f"{CODES}{code}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert snapshot() == before


# --- Look-up by e-mail --------------------------------------------------------------------


def test_lookup_by_email_is_public_and_matches_any_case(partner):
    code = personal_code(partner)
    response = APIClient().get(f"{CODES}by-email/", {"email": partner.email.upper()})

    assert response.status_code == 200
    assert response.json() == {"code": code, "expires_at": None}


def test_lookup_shows_the_new_active_code_with_its_expiry(partner, partner_client):
    created = partner_client.post(CODES, {"code": "SPRING25", "expires_at": future()}).json()

    response = APIClient().get(f"{CODES}by-email/", {"email": partner.email})

    assert response.json() == {"code": "SPRING25", "expires_at": created["expires_at"]}


@pytest.mark.parametrize("state", ["unknown e-mail", "expired", "deleted", "inactive partner"])
def test_lookup_is_404_without_a_usable_code(partner, partner_client, state):
    email = partner.email
    if state == "unknown e-mail":
        email = "nobody@example.com"
    elif state == "expired":
        InviteCodeFactory(user=partner, code="GONE01", expires_at=timezone.now())
    elif state == "deleted":
        partner_client.delete(f"{CODES}{personal_code(partner)}/")
    else:
        partner.is_active = False
        partner.save()

    response = APIClient().get(f"{CODES}by-email/", {"email": email})

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("query", [{}, {"email": ""}, {"email": "not-an-email"}])
def test_lookup_needs_an_email(api_client, query):
    response = api_client.get(f"{CODES}by-email/", query)

    assert response.status_code == 400
    assert "email" in response.json()


def test_lookup_is_throttled_per_ip(settings, partner):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "lookup": "2/min"}
    client = APIClient()
    for _ in range(2):
        assert client.get(f"{CODES}by-email/", {"email": partner.email}).status_code == 200
    response = client.get(
        f"{CODES}by-email/", {"email": partner.email}, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )

    assert response.status_code == 429
    assert "Retry-After" in response
