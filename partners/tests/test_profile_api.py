import pytest
from django.contrib.auth import get_user_model

from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.helpers import signed_in
from catalog.tests.factories import BankFactory
from tests.clients import bearer_client

User = get_user_model()
pytestmark = pytest.mark.django_db


def test_profile_has_seed_keys_and_user_fields(partner_client, partner):
    response = partner_client.get("/api/profile/")

    assert response.status_code == 200
    body = response.json()
    assert "User" in body
    [user] = body["User"]
    assert user["id"] == partner.pk
    assert user["username"] == partner.username
    assert user["bank"] is None
    assert {"invite_code", "activated_code", "referrals_count", "referrals"} <= set(user)
    assert "password" not in user


def test_profile_shows_bank_as_object():
    bank = BankFactory(name="Example Bank")
    client = bearer_client(UserFactory(bank=bank))

    [user] = client.get("/api/profile/").json()["User"]

    assert user["bank"] == {"id": bank.pk, "name": "Example Bank"}


def test_profile_requires_authentication(api_client):
    assert api_client.get("/api/profile/").status_code == 401


def test_patch_changes_only_writable_fields(partner_client, partner):
    bank = BankFactory()
    response = partner_client.patch(
        "/api/profile/update/",
        {
            "first_name": "Maria",
            "bank": bank.pk,
            "is_staff": True,
            "is_superuser": True,
            "password": "Hacked-Password-123",
            "id": 9999,
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["User"][0]["first_name"] == "Maria"
    partner.refresh_from_db()
    assert partner.first_name == "Maria"
    assert partner.bank_id is None
    assert not partner.is_staff
    assert not partner.is_superuser
    assert partner.check_password(PASSWORD)
    assert "access" not in response.json()
    assert partner_client.get("/api/profile/").status_code == 200


@pytest.mark.parametrize("username", ["a/b", "a b", "..", "a\x00b", "anna?x"])
def test_username_unfit_for_a_link_is_refused(partner_client, partner, username):
    before = partner.username

    response = partner_client.patch("/api/profile/update/", {"username": username}, format="json")

    assert response.status_code == 400
    assert "username" in response.json()
    partner.refresh_from_db()
    assert partner.username == before
    assert partner_client.get("/api/profile/").status_code == 200


def test_username_change_returns_fresh_pair_and_ends_old_tokens(partner_client, partner):
    response = partner_client.patch("/api/profile/update/", {"username": "renamed"})

    assert response.status_code == 200
    body = response.json()
    assert body["User"][0]["username"] == "renamed"
    assert partner_client.get("/api/profile/").status_code == 401
    assert signed_in(body["access"]).get("/api/profile/").status_code == 200


def test_username_taken_in_other_case_is_400_and_nothing_changes(partner_client, partner):
    UserFactory(username="Taken")

    response = partner_client.patch(
        "/api/profile/update/", {"username": "tAKEN", "first_name": "X"}
    )

    assert response.status_code == 400
    assert "username" in response.json()
    partner.refresh_from_db()
    assert partner.first_name == "Anna"


def test_email_taken_is_400(partner_client, partner):
    UserFactory(email="taken@example.com")

    response = partner_client.patch("/api/profile/update/", {"email": "TAKEN@example.com"})

    assert response.status_code == 400
    assert "email" in response.json()


def test_put_requires_username(partner_client):
    response = partner_client.put("/api/profile/update/", {"first_name": "X"})

    assert response.status_code == 400
    assert "username" in response.json()


def test_put_replaces_writable_fields(partner_client, partner):
    response = partner_client.put(
        "/api/profile/update/",
        {"username": partner.username, "first_name": "Ivan", "last_name": "Petrov"},
    )

    assert response.status_code == 200
    partner.refresh_from_db()
    assert (partner.first_name, partner.last_name) == ("Ivan", "Petrov")


def test_password_change_returns_working_pair_and_ends_old_tokens(partner_client, partner):
    response = partner_client.post(
        "/api/profile/password/",
        {"old_password": PASSWORD, "new_password": "Brand-New-Secret-55"},
    )

    assert response.status_code == 200
    assert partner_client.get("/api/profile/").status_code == 401
    assert signed_in(response.json()["access"]).get("/api/profile/").status_code == 200
    partner.refresh_from_db()
    assert partner.check_password("Brand-New-Secret-55")


def test_password_change_with_wrong_old_password_is_400(partner_client, partner):
    response = partner_client.post(
        "/api/profile/password/",
        {"old_password": "wrong-one", "new_password": "Brand-New-Secret-55"},
    )

    assert response.status_code == 400
    assert "old_password" in response.json()
    partner.refresh_from_db()
    assert partner.check_password(PASSWORD)
    assert partner_client.get("/api/profile/").status_code == 200


def test_password_change_to_weak_password_is_400(partner_client, partner):
    response = partner_client.post(
        "/api/profile/password/", {"old_password": PASSWORD, "new_password": "123"}
    )

    assert response.status_code == 400
    assert "new_password" in response.json()
    partner.refresh_from_db()
    assert partner.check_password(PASSWORD)


def test_profile_shows_a_renamed_bank_at_once(redis_cache):
    """The partner's bank comes from the catalogue's cache, which a change of the bank renews."""
    bank = BankFactory(name="Example Bank")
    client = bearer_client(UserFactory(bank=bank))
    assert client.get("/api/profile/").json()["User"][0]["bank"]["name"] == "Example Bank"

    bank.name = "Renamed Bank"
    bank.save()

    assert client.get("/api/profile/").json()["User"][0]["bank"] == {
        "id": bank.pk,
        "name": "Renamed Bank",
    }
