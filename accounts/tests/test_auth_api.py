import json
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tokens import STAMP_CLAIM, issue_token_pair, token_stamp
from catalog.tests.factories import BankFactory
from tests.clients import bearer_client

User = get_user_model()
pytestmark = pytest.mark.django_db

REGISTER = "/api/auth/register/"
STRONG = "Plum-Orbit-Lantern-42"


def register_body(**overrides):
    body = {"username": "anna", "password": STRONG, "first_name": "Anna", "last_name": "Ivanova"}
    body.update(overrides)
    return body


# --- Registration -------------------------------------------------------------------------


def test_register_creates_partner_and_never_returns_password(api_client):
    bank = BankFactory()
    response = api_client.post(
        REGISTER, register_body(email="anna@example.com", bank=bank.pk), format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "username", "first_name", "last_name", "email", "bank"}
    assert body["username"] == "anna"
    assert body["bank"] == bank.pk
    assert STRONG not in response.content.decode()
    user = User.objects.get(pk=body["id"])
    assert user.check_password(STRONG)
    assert user.bank == bank
    assert not user.is_staff


def test_register_refuses_username_taken_in_other_letter_case(api_client):
    UserFactory(username="Anna")
    response = api_client.post(REGISTER, register_body(username="aNNA"), format="json")

    assert response.status_code == 400
    assert "username" in response.json()
    assert User.objects.count() == 1


def test_register_refuses_email_taken_in_other_letter_case(api_client):
    UserFactory(email="anna@example.com")
    response = api_client.post(REGISTER, register_body(email="ANNA@Example.com"), format="json")

    assert response.status_code == 400
    assert "email" in response.json()
    assert User.objects.count() == 1


# A username is part of the partner's referral links: only letters, digits and @.+-_.
BAD_USERNAMES = ["a/b", "a b", "a\nb", "anna?x", "anna#1", "..", ".", "a\x00b", "ann%41"]


@pytest.mark.parametrize("username", BAD_USERNAMES)
def test_register_refuses_a_username_unfit_for_a_link(api_client, username):
    response = api_client.post(REGISTER, register_body(username=username), format="json")

    assert response.status_code == 400
    assert "username" in response.json()
    assert not User.objects.exists()


@pytest.mark.parametrize("username", ["anna.k", "anna_k", "anna-k", "anna+k", "anna@k", "Анна"])
def test_register_takes_a_username_fit_for_a_link(api_client, username):
    response = api_client.post(REGISTER, register_body(username=username), format="json")

    assert response.status_code == 201
    assert User.objects.get().username == username


@pytest.mark.parametrize("password", ["short1", "password123", "12345678901", "ivanova12"])
def test_register_refuses_weak_password(api_client, password):
    response = api_client.post(REGISTER, register_body(password=password), format="json")

    assert response.status_code == 400
    assert "password" in response.json()
    assert not User.objects.exists()


@pytest.mark.parametrize("bank_id", [999999, -1, 0, "999999", "x", 10**30, "9" * 5000])
def test_register_refuses_unknown_bank(api_client, bank_id):
    response = api_client.post(REGISTER, register_body(bank=bank_id), format="json")

    assert response.status_code == 400
    assert "bank" in response.json()
    assert not User.objects.exists()


# Raw JSON, so that `1e400` reaches the server as written (it reads as infinity); `{pk}` is an
# active bank's id, which a lenient field would take `1.5` or `"1 "` for.
@pytest.mark.parametrize(
    "bank_json",
    [
        "1e400",
        "-1e400",
        "{pk}.5",
        "{pk}.0",
        "{pk}e0",
        "true",
        "false",
        '"{pk}.5"',
        '" {pk}"',
        '"abc"',
        "[]",
        "{}",
        '["{pk}"]',
    ],
)
def test_register_refuses_a_bank_id_that_is_not_an_integer(api_client, bank_json):
    bank = BankFactory()
    body = json.dumps(register_body(bank="BANK"))
    raw = body.replace('"BANK"', bank_json.replace("{pk}", str(bank.pk)))

    response = api_client.post(REGISTER, data=raw, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"bank"}
    assert not User.objects.exists()


@pytest.mark.parametrize("as_text", [False, True])
def test_register_takes_a_bank_id_as_number_or_digits(api_client, as_text):
    bank = BankFactory()
    bank_id = str(bank.pk) if as_text else bank.pk

    response = api_client.post(REGISTER, register_body(bank=bank_id), format="json")

    assert response.status_code == 201
    assert response.json()["bank"] == bank.pk
    assert User.objects.get().bank == bank


def test_register_refuses_inactive_bank(api_client):
    bank = BankFactory(is_active=False)
    response = api_client.post(REGISTER, register_body(bank=bank.pk), format="json")

    assert response.status_code == 400
    assert "bank" in response.json()
    assert not User.objects.exists()


@pytest.mark.parametrize("field", ["username", "password"])
def test_register_requires_username_and_password(api_client, field):
    body = register_body()
    del body[field]
    response = api_client.post(REGISTER, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.exists()


def test_register_ignores_privilege_fields(api_client):
    response = api_client.post(
        REGISTER, register_body(is_staff=True, is_superuser=True, id=777), format="json"
    )

    assert response.status_code == 201
    user = User.objects.get()
    assert not user.is_staff
    assert not user.is_superuser
    assert user.pk != 777 or response.json()["id"] == user.pk


def test_register_malformed_json_is_400_and_creates_nothing(api_client):
    response = api_client.post(REGISTER, data='{"username": ', content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()
    assert not User.objects.exists()


def test_register_wrong_content_type_is_415(api_client):
    response = api_client.post(REGISTER, data="username=anna", content_type="text/plain")

    assert response.status_code == 415
    assert response["Content-Type"].startswith("application/json")
    assert not User.objects.exists()


# --- Token obtain ---------------------------------------------------------------------------


def test_token_obtain_returns_working_pair(api_client):
    user = UserFactory(username="anna")
    response = api_client.post(
        "/api/token/", {"username": "anna", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    pair = response.json()
    assert set(pair) == {"access", "refresh"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert client.get("/api/product/").status_code == 200
    assert RefreshToken(pair["refresh"])["user_id"] == str(user.pk)


def test_token_obtain_matches_username_regardless_of_case(api_client):
    UserFactory(username="Anna")
    response = api_client.post(
        "/api/token/", {"username": "aNNA", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200


def test_token_obtain_answers_one_message_for_unknown_user_and_wrong_password(api_client):
    UserFactory(username="anna")
    wrong_password = api_client.post(
        "/api/token/", {"username": "anna", "password": "nope-nope-nope"}, format="json"
    )
    unknown_user = api_client.post(
        "/api/token/", {"username": "nobody", "password": PASSWORD}, format="json"
    )

    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json() == unknown_user.json()


def test_token_obtain_refuses_deactivated_partner(api_client):
    UserFactory(username="anna", is_active=False)
    response = api_client.post(
        "/api/token/", {"username": "anna", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 401


# --- Bearer authentication ----------------------------------------------------------------


@pytest.mark.parametrize("header", ["Bearer garbage", "Bearer", "Bearer a b", "Token abc"])
def test_garbage_authorization_is_401(api_client, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.get("/api/product/")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_missing_token_is_401_with_www_authenticate(api_client):
    response = api_client.get("/api/product/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_access_token_is_401(api_client, partner):
    refresh = RefreshToken.for_user(partner)
    refresh[STAMP_CLAIM] = token_stamp(partner)
    access = refresh.access_token
    access.set_exp(lifetime=-timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    assert api_client.get("/api/product/").status_code == 401


def test_token_without_stamp_is_401(api_client, partner):
    access = RefreshToken.for_user(partner).access_token
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    assert api_client.get("/api/product/").status_code == 401


def test_password_change_ends_earlier_access_tokens_at_once(partner):
    client = bearer_client(partner)
    assert client.get("/api/product/").status_code == 200

    partner.set_password("Another-Strong-Pass-77")
    partner.save()

    assert client.get("/api/product/").status_code == 401


def test_username_change_ends_earlier_tokens(partner):
    client = bearer_client(partner)
    partner.username = "renamed"
    partner.save()

    assert client.get("/api/product/").status_code == 401


def test_deactivation_ends_tokens_at_once(partner):
    client = bearer_client(partner)
    partner.is_active = False
    partner.save()

    assert client.get("/api/product/").status_code == 401


# --- Refresh, verify, logout ----------------------------------------------------------------


def test_refresh_rotates_and_old_refresh_stops_working(api_client, partner):
    pair = issue_token_pair(partner)
    first = api_client.post("/api/token/refresh/", {"refresh": pair["refresh"]}, format="json")

    assert first.status_code == 200
    new_pair = first.json()
    assert set(new_pair) == {"access", "refresh"}
    assert new_pair["refresh"] != pair["refresh"]

    again = api_client.post("/api/token/refresh/", {"refresh": pair["refresh"]}, format="json")
    assert again.status_code == 401

    newer = api_client.post("/api/token/refresh/", {"refresh": new_pair["refresh"]}, format="json")
    assert newer.status_code == 200


@pytest.mark.parametrize("value", ["garbage", ""])
def test_refresh_refuses_garbage(api_client, value):
    response = api_client.post("/api/token/refresh/", {"refresh": value}, format="json")

    assert response.status_code in (400, 401)
    assert not BlacklistedToken.objects.exists()


def test_refresh_refuses_access_token(api_client, partner):
    pair = issue_token_pair(partner)
    response = api_client.post("/api/token/refresh/", {"refresh": pair["access"]}, format="json")

    assert response.status_code == 401


def test_refresh_refuses_token_issued_before_password_change(api_client, partner):
    pair = issue_token_pair(partner)
    partner.set_password("Another-Strong-Pass-77")
    partner.save()

    response = api_client.post("/api/token/refresh/", {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 401
    assert not BlacklistedToken.objects.exists()


def test_refresh_refuses_deactivated_partner(api_client, partner):
    pair = issue_token_pair(partner)
    User.objects.filter(pk=partner.pk).update(is_active=False)

    response = api_client.post("/api/token/refresh/", {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_refresh_token_sent_sixteen_times_at_once_succeeds_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: PostgreSQL")
    partner = UserFactory()
    refresh = issue_token_pair(partner)["refresh"]
    barrier = threading.Barrier(16)
    statuses: list[int] = []
    lock = threading.Lock()

    def refresh_once():
        try:
            client = APIClient()
            barrier.wait()
            response = client.post("/api/token/refresh/", {"refresh": refresh}, format="json")
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh_once) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [401] * 15
    assert BlacklistedToken.objects.filter(token__jti=RefreshToken(refresh, verify=False)["jti"])


def test_verify_accepts_valid_and_refuses_garbage(api_client, partner):
    pair = issue_token_pair(partner)

    assert api_client.post("/api/token/verify/", {"token": pair["access"]}).status_code == 200
    assert api_client.post("/api/token/verify/", {"token": pair["refresh"]}).status_code == 200
    assert api_client.post("/api/token/verify/", {"token": "garbage"}).status_code == 401


def test_verify_refuses_token_older_than_password_change(api_client, partner):
    pair = issue_token_pair(partner)
    partner.set_password("Another-Strong-Pass-77")
    partner.save()

    assert api_client.post("/api/token/verify/", {"token": pair["access"]}).status_code == 401


def test_logout_ends_refresh_token(api_client, partner):
    pair = issue_token_pair(partner)

    response = api_client.post("/api/token/logout/", {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 204

    refreshed = api_client.post("/api/token/refresh/", {"refresh": pair["refresh"]})
    assert refreshed.status_code == 401
    verified = api_client.post("/api/token/verify/", {"token": pair["refresh"]})
    assert verified.status_code == 401


def test_logout_refuses_garbage_and_repeated_logout(api_client, partner):
    pair = issue_token_pair(partner)
    api_client.post("/api/token/logout/", {"refresh": pair["refresh"]}, format="json")

    again = api_client.post("/api/token/logout/", {"refresh": pair["refresh"]}, format="json")
    garbage = api_client.post("/api/token/logout/", {"refresh": "garbage"}, format="json")

    assert again.status_code == 401
    assert garbage.status_code == 401
    assert BlacklistedToken.objects.count() == 1
