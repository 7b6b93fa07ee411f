"""Referrals: applying a code, at registration or later, the lists and the profile fields."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from referrals import services
from referrals.models import InviteCode, Referral
from referrals.tests.factories import (
    InviteCodeFactory,
    PartnerFactory,
    ReferralFactory,
    personal_code,
)
from tests.clients import bearer_client

User = get_user_model()
pytestmark = pytest.mark.django_db

APPLY = "/api/referrals/apply/"
REGISTER = "/api/auth/register/"
STRONG = "Plum-Orbit-Lantern-42"


def state():
    """Everything an apply may change: referrals and the codes' use counts."""
    return (
        list(Referral.objects.order_by("id").values("referred", "referrer", "code")),
        list(InviteCode.objects.order_by("id").values_list("code", "uses", "is_active")),
    )


def apply(partner, code: str):
    return bearer_client(partner).post(APPLY, {"code": code}, format="json")


# --- Apply --------------------------------------------------------------------------------


def test_apply_makes_the_code_owner_the_referrer(partner):
    referrer = PartnerFactory(username="boris")
    code = personal_code(referrer)
    response = apply(partner, code.lower())

    assert response.status_code == 200
    assert response.json() == {"activated_code": code, "referrer": {"username": "boris"}}
    referral = Referral.objects.get()
    assert (referral.referred, referral.referrer, referral.code.code) == (partner, referrer, code)
    assert InviteCode.objects.get(code=code).uses == 1
    [me] = bearer_client(partner).get("/api/profile/").json()["User"]
    assert me["activated_code"] == code


def test_uses_count_every_partner_who_entered_the_code():
    referrer = PartnerFactory()
    code = personal_code(referrer)
    for _ in range(3):
        assert apply(PartnerFactory(), code).status_code == 200

    assert InviteCode.objects.get(code=code).uses == 3
    assert bearer_client(referrer).get("/api/referrals/codes/").json()["results"][0]["uses"] == 3


def test_own_code_is_400(partner):
    before = state()
    response = apply(partner, personal_code(partner))

    assert response.status_code == 400
    assert "code" in response.json()
    assert state() == before


@pytest.mark.parametrize(
    "case", ["unknown", "expired", "deleted", "replaced", "inactive owner", "malformed"]
)
def test_unusable_code_is_400(partner, case):
    owner = PartnerFactory()
    code = personal_code(owner)
    if case == "unknown":
        code = "NOSUCH"
    elif case == "expired":
        code = InviteCodeFactory(user=owner, expires_at=timezone.now() - timedelta(seconds=1)).code
    elif case == "deleted":
        bearer_client(owner).delete(f"/api/referrals/codes/{code}/")
    elif case == "replaced":
        bearer_client(owner).post("/api/referrals/codes/", {}, format="json")
    elif case == "inactive owner":
        owner.is_active = False
        owner.save()
    else:
        code = "no way!"
    before = state()
    response = apply(partner, code)

    assert response.status_code == 400
    assert response.json() == {"code": ["Invalid or expired invite code."]}
    assert state() == before


def test_a_second_referrer_is_409(partner):
    assert apply(partner, personal_code(PartnerFactory())).status_code == 200
    second = personal_code(PartnerFactory())
    before = state()
    response = apply(partner, second)

    assert response.status_code == 409
    assert "detail" in response.json()
    assert state() == before


def test_the_same_code_twice_is_409(partner):
    code = personal_code(PartnerFactory())
    apply(partner, code)

    assert apply(partner, code).status_code == 409
    assert InviteCode.objects.get(code=code).uses == 1


def test_a_direct_cycle_is_400():
    anna, boris = PartnerFactory(), PartnerFactory()
    assert apply(anna, personal_code(boris)).status_code == 200
    before = state()
    response = apply(boris, personal_code(anna))

    assert response.status_code == 400
    assert "code" in response.json()
    assert state() == before


def test_a_longer_cycle_is_400():
    anna, boris, clara = PartnerFactory(), PartnerFactory(), PartnerFactory()
    apply(anna, personal_code(boris))  # anna <- boris
    apply(boris, personal_code(clara))  # boris <- clara
    before = state()
    response = apply(clara, personal_code(anna))  # clara <- anna would close the ring

    assert response.status_code == 400
    assert state() == before


def test_apply_requires_authentication(api_client):
    assert api_client.post(APPLY, {"code": "ABCDEF"}, format="json").status_code == 401


def test_apply_requires_a_code(partner_client):
    response = partner_client.post(APPLY, {}, format="json")

    assert response.status_code == 400
    assert "code" in response.json()


# --- Registration with an invite code -----------------------------------------------------


def test_register_with_invite_code_sets_the_referrer(api_client):
    referrer = PartnerFactory()
    code = personal_code(referrer)
    response = api_client.post(
        REGISTER, {"username": "anna", "password": STRONG, "invite_code": code.lower()}
    )

    assert response.status_code == 201
    assert "invite_code" not in response.json()
    anna = User.objects.get(username="anna")
    assert anna.referral.referrer == referrer
    assert InviteCode.objects.get(code=code).uses == 1
    assert InviteCode.objects.filter(user=anna, is_active=True).count() == 1


@pytest.mark.parametrize("invite_code", ["NOSUCH", "bad!", "EXPIRED1", "A" * 33])
def test_register_with_unusable_invite_code_is_400_and_creates_nobody(api_client, invite_code):
    InviteCodeFactory(code="EXPIRED1", expires_at=timezone.now() - timedelta(days=1))
    users_before, state_before = User.objects.count(), state()
    response = api_client.post(
        REGISTER, {"username": "anna", "password": STRONG, "invite_code": invite_code}
    )

    assert response.status_code == 400
    assert "invite_code" in response.json()
    assert User.objects.count() == users_before
    assert not User.objects.filter(username="anna").exists()
    assert state() == state_before


@pytest.fixture
def without_the_early_check(monkeypatch):
    """As if the code was deleted between the early check and the partner's creation."""
    monkeypatch.setattr(services, "invite_code_check", lambda **kwargs: None)


@pytest.mark.parametrize("path", ["register", "phone"])
def test_invite_code_failing_inside_the_transaction_rolls_the_partner_back(
    api_client, outbox, without_the_early_check, path
):
    code = personal_code(PartnerFactory())
    InviteCode.objects.filter(code=code).update(is_active=False)
    users_before = User.objects.count()

    if path == "register":
        response = api_client.post(
            REGISTER, {"username": "anna", "password": STRONG, "invite_code": code}
        )
    else:
        api_client.post("/api/auth/phone/", {"phone": "+79991234567"})
        sms_code = outbox.code_for("+79991234567")
        response = api_client.post(
            "/api/auth/phone/verify/",
            {"phone": "+79991234567", "code": sms_code, "invite_code": code},
        )

    assert response.status_code == 400
    assert response.json() == {"invite_code": ["Invalid or expired invite code."]}
    assert User.objects.count() == users_before
    assert InviteCode.objects.count() == users_before
    if path == "phone":  # the one-time code was not spent with the failed sign-up
        response = api_client.post(
            "/api/auth/phone/verify/", {"phone": "+79991234567", "code": sms_code}
        )
        assert response.status_code == 200


def test_register_with_blank_invite_code_is_plain_registration(api_client):
    response = api_client.post(
        REGISTER, {"username": "anna", "password": STRONG, "invite_code": ""}
    )

    assert response.status_code == 201
    assert not Referral.objects.exists()


# --- Lists --------------------------------------------------------------------------------


def test_my_referrals_list_newest_first_with_masked_phones(partner, partner_client):
    older = ReferralFactory(
        referrer=partner,
        referred=PartnerFactory(username="older", phone="+79991112233"),
        created_at=timezone.now() - timedelta(days=1),
    )
    newer = ReferralFactory(referrer=partner, referred=PartnerFactory(username="newer", phone=None))
    ReferralFactory()  # someone else's

    response = partner_client.get("/api/referrals/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"] == [
        {
            "id": newer.referred_id,
            "username": "newer",
            "phone": None,
            "joined_at": body["results"][0]["joined_at"],
            "code": newer.code.code,
        },
        {
            "id": older.referred_id,
            "username": "older",
            "phone": "+7999***2233",
            "joined_at": body["results"][1]["joined_at"],
            "code": older.code.code,
        },
    ]
    assert "+79991112233" not in response.content.decode()


def test_referral_without_a_code_lists_code_null(partner, partner_client):
    ReferralFactory(referrer=partner, code=None)

    assert partner_client.get("/api/referrals/").json()["results"][0]["code"] is None


def test_lists_are_paginated(partner, partner_client):
    ReferralFactory.create_batch(3, referrer=partner)

    body = partner_client.get("/api/referrals/", {"page_size": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


def test_partner_sees_own_referrals_by_id(partner, partner_client):
    ReferralFactory(referrer=partner)

    response = partner_client.get(f"/api/users/{partner.pk}/referrals/")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_other_partners_referrals_are_404_like_an_unknown_id(partner_client):
    other = PartnerFactory()
    ReferralFactory(referrer=other)

    theirs = partner_client.get(f"/api/users/{other.pk}/referrals/")
    unknown = partner_client.get("/api/users/999999/referrals/")

    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json()


def test_staff_sees_anyones_referrals():
    staff = PartnerFactory(is_staff=True)
    other = PartnerFactory()
    ReferralFactory.create_batch(2, referrer=other)
    client = bearer_client(staff)

    assert client.get(f"/api/users/{other.pk}/referrals/").json()["count"] == 2
    assert client.get("/api/users/999999/referrals/").status_code == 404


@pytest.mark.parametrize("url", ["/api/referrals/", "/api/users/1/referrals/"])
def test_lists_require_authentication(api_client, url):
    assert api_client.get(url).status_code == 401


# --- Profile ------------------------------------------------------------------------------


def test_profile_shows_codes_and_the_most_recent_hundred_referrals(partner, partner_client):
    activated = personal_code(PartnerFactory())
    apply(partner, activated)
    make_referrals(partner, 101)

    [me] = partner_client.get("/api/profile/").json()["User"]

    assert me["invite_code"] == personal_code(partner)
    assert me["activated_code"] == activated
    assert me["referrals_count"] == 101
    assert len(me["referrals"]) == 100
    assert me["referrals"][0] == {"username": "referred-100", "phone": "+7999***0100"}
    assert "referred-0" not in {item["username"] for item in me["referrals"]}


def test_profile_without_referrals(partner, partner_client):
    [me] = partner_client.get("/api/profile/").json()["User"]

    assert (me["activated_code"], me["referrals_count"], me["referrals"]) == (None, 0, [])


def test_profile_invite_code_is_null_when_the_active_code_expired(partner, partner_client):
    InviteCodeFactory(user=partner, code="SOON01", expires_at=timezone.now())

    assert partner_client.get("/api/profile/").json()["User"][0]["invite_code"] is None


# --- Query budgets: no query per referral -------------------------------------------------


def make_referrals(referrer, count: int, prefix: str = "referred") -> None:
    """`count` referrals of `referrer`, the last one the most recent (no per-user signals)."""
    phone_base = 7999000 if prefix == "referred" else 7999100
    users = User.objects.bulk_create(
        User(username=f"{prefix}-{index}", phone=f"+{phone_base}{index:04d}")
        for index in range(count)
    )
    now = timezone.now()
    code = InviteCode.objects.get(user=referrer, is_active=True)
    Referral.objects.bulk_create(
        Referral(
            referred=user,
            referrer=referrer,
            code=code,
            created_at=now - timedelta(minutes=count - index),
        )
        for index, user in enumerate(users)
    )


# Measured: the user of the token, then count and page (3); staff asks whether the id exists (4).
LIST_BUDGET = 3


@pytest.mark.parametrize("count", [3, 100, 1000])
@pytest.mark.parametrize(
    "url", ["/api/referrals/?page_size=200", "/api/users/{id}/referrals/?page_size=200"]
)
def test_referral_lists_take_the_same_queries_for_3_and_100(
    partner, partner_client, django_assert_max_num_queries, count, url
):
    make_referrals(partner, count)

    with django_assert_max_num_queries(LIST_BUDGET):
        response = partner_client.get(url.format(id=partner.pk))

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(count, 200)


def test_staff_view_of_another_partner_has_one_query_more(django_assert_max_num_queries):
    other = PartnerFactory()
    make_referrals(other, 100)
    client = bearer_client(PartnerFactory(is_staff=True))

    with django_assert_max_num_queries(LIST_BUDGET + 1):
        response = client.get(f"/api/users/{other.pk}/referrals/?page_size=200")

    assert len(response.json()["results"]) == 100


def profile_queries_with_one_referral() -> int:
    """The profile's cost for a partner with one referral (other apps' sections included)."""
    baseline = PartnerFactory()
    make_referrals(baseline, 1, prefix="baseline")
    client = bearer_client(baseline)
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/profile/")
    return len(queries)


@pytest.mark.parametrize("count", [3, 100, 1000])
def test_profile_takes_the_same_queries_for_3_and_100_referrals(
    partner, partner_client, django_assert_max_num_queries, count
):
    budget = profile_queries_with_one_referral()
    make_referrals(partner, count)

    with django_assert_max_num_queries(budget):
        response = partner_client.get("/api/profile/")

    assert len(response.json()["User"][0]["referrals"]) == min(count, 100)
