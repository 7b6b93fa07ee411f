"""The stories of seeds 001 (phone sign-in, "referal") and 002 (codes, by-email, referrals)."""

import re

import pytest
from rest_framework.test import APIClient

from referrals.models import InviteCode, Referral
from referrals.tests.factories import PartnerFactory
from tests.clients import bearer_client, signed_in

ANNA, BORIS, CLARA = "+79991234567", "+79997654321", "+79990001122"
NEW_NUMBER = "+79995554433"
STRONG = "Plum-Orbit-Lantern-42"


def profile_of(access: str) -> dict:
    return signed_in(access).get("/api/profile/").json()["User"][0]


@pytest.mark.django_db
def test_seed_001_phone_sign_in_with_invite_codes(outbox, settings):
    settings.PHONE_CODE_RESEND_SECONDS = 0
    client = APIClient()

    def sign_in(phone: str, *, typed: str | None = None, **extra):
        """Ask for a code and enter it; `typed` is the phone as the partner writes it."""
        assert client.post("/api/auth/phone/", {"phone": typed or phone}).status_code == 202
        body = {"phone": typed or phone, "code": outbox.code_for(phone), **extra}
        return client.post("/api/auth/phone/verify/", body)

    # A new phone: the first verify registers the partner, who gets a personal invite code.
    anna = sign_in(ANNA)
    assert anna.status_code == 200
    anna = anna.json()
    assert anna["created"] is True
    anna_code = anna["user"]["invite_code"]
    assert re.fullmatch(r"[A-Z2-9]{6}", anna_code)
    me = profile_of(anna["access"])
    assert (me["phone"], me["invite_code"], me["activated_code"]) == (ANNA, anna_code, None)

    # Signing in again: the same partner, not a new one.
    again = sign_in(ANNA, typed="8 999 123-45-67").json()
    assert again["created"] is False
    assert again["user"]["id"] == anna["user"]["id"]

    # Boris signs up with Anna's code ("referal"): Anna is his referrer.
    boris = sign_in(BORIS, invite_code=anna_code.lower()).json()
    assert boris["created"] is True
    assert profile_of(boris["access"])["activated_code"] == anna_code
    anna_profile = profile_of(again["access"])
    assert anna_profile["referrals_count"] == 1
    assert anna_profile["referrals"] == [
        {"username": boris["user"]["username"], "phone": "+7999***4321"}
    ]

    # Clara signs up without a code and enters one later, once.
    clara = sign_in(CLARA).json()
    clara_client = signed_in(clara["access"])
    first = clara_client.post("/api/referrals/apply/", {"code": boris["user"]["invite_code"]})
    assert first.status_code == 200
    assert first.json() == {
        "activated_code": boris["user"]["invite_code"],
        "referrer": {"username": boris["user"]["username"]},
    }
    second = clara_client.post("/api/referrals/apply/", {"code": anna_code})
    assert second.status_code == 409
    assert Referral.objects.count() == 2

    # Anna moves to a new number with the code sent to it; to Boris's number she cannot.
    assert client.post("/api/auth/phone/", {"phone": NEW_NUMBER}).status_code == 202
    moved = signed_in(again["access"]).patch(
        "/api/profile/update/", {"phone": NEW_NUMBER, "phone_code": outbox.code_for(NEW_NUMBER)}
    )
    assert moved.status_code == 200
    assert moved.json()["User"][0]["phone"] == NEW_NUMBER
    assert signed_in(again["access"]).get("/api/profile/").status_code == 401  # token ended
    assert client.post("/api/auth/phone/", {"phone": BORIS}).status_code == 202
    taken = signed_in(moved.json()["access"]).patch(
        "/api/profile/update/", {"phone": BORIS, "phone_code": outbox.code_for(BORIS)}
    )
    assert taken.status_code == 409
    assert profile_of(moved.json()["access"])["phone"] == NEW_NUMBER


@pytest.mark.django_db
def test_seed_002_codes_lookup_and_referrals_by_referrer_id():
    client = APIClient()
    registered = client.post(
        "/api/auth/register/",
        {"username": "admin4", "email": "test4@test.ru", "password": STRONG},
    )
    assert registered.status_code == 201
    assert STRONG not in registered.content.decode()
    admin4_id = registered.json()["id"]
    tokens = client.post("/api/token/", {"username": "admin4", "password": STRONG}).json()
    admin4 = signed_in(tokens["access"])

    # A code that expires in the past is refused; one in the future replaces the personal one.
    past = admin4.post(
        "/api/referrals/codes/", {"code": "FFFF12345678", "expires_at": "2023-10-10 12:00"}
    )
    assert past.status_code == 400
    assert "expires_at" in past.json()
    created = admin4.post(
        "/api/referrals/codes/", {"code": "FFFF12345678", "expires_at": "2099-10-10 12:00"}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["code"] == "FFFF12345678"
    assert body["user_id"] == admin4_id
    assert body["is_active"] is True
    assert body["expires_at"].startswith("2099-10-10T12:00:00")
    assert body["expires_at"].endswith(("Z", "+00:00"))
    codes = admin4.get("/api/referrals/codes/").json()
    assert codes["count"] == 2
    assert [item["is_active"] for item in codes["results"]] == [False, True]

    # Anyone can look the active code up by e-mail, and register with it.
    looked_up = APIClient().get("/api/referrals/codes/by-email/", {"email": "TEST4@test.ru"})
    assert looked_up.json() == {"code": "FFFF12345678", "expires_at": body["expires_at"]}
    for name in ("admin3", "admin"):
        joined = client.post(
            "/api/auth/register/",
            {"username": name, "password": STRONG, "invite_code": "ffff12345678"},
        )
        assert joined.status_code == 201

    # The referrals of a referrer, by its id: itself and staff see them, others get 404.
    listed = admin4.get(f"/api/users/{admin4_id}/referrals/").json()
    assert listed["count"] == 2
    assert {item["username"] for item in listed["results"]} == {"admin3", "admin"}
    assert {item["code"] for item in listed["results"]} == {"FFFF12345678"}
    staff = bearer_client(PartnerFactory(is_staff=True))
    assert staff.get(f"/api/users/{admin4_id}/referrals/").json()["count"] == 2
    stranger = bearer_client(PartnerFactory())
    assert stranger.get(f"/api/users/{admin4_id}/referrals/").status_code == 404

    # Deleting the code: gone from the list, from the look-up, and from use.
    assert admin4.delete("/api/referrals/codes/FFFF12345678/").status_code == 204
    assert admin4.get("/api/referrals/codes/").json()["count"] == 1
    gone = APIClient().get("/api/referrals/codes/by-email/", {"email": "test4@test.ru"})
    assert gone.status_code == 404
    late = client.post(
        "/api/auth/register/",
        {"username": "admin5", "password": STRONG, "invite_code": "FFFF12345678"},
    )
    assert late.status_code == 400
    assert InviteCode.objects.get(code="FFFF12345678").uses == 2
