"""Usernames and e-mails that look alike are one name: checks, constraints and sign-in agree.

The constraints compare `LOWER(...)`. Usernames are stored NFKC-normalised (`ﬁnn` is `finn`,
the Kelvin sign is `K`, the long s is `s`), and every check and lookup lowers both sides in the
database, exactly as the constraints do, so no check lets through what the constraint refuses
and no sign-in can match two partners.
"""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.serializers import ProfileUpdateSerializer, RegisterSerializer
from accounts.tests.factories import PASSWORD, UserFactory
from tests.clients import bearer_client
from tests.concurrency import run_at_once, skip_unless_postgresql

User = get_user_model()
pytestmark = pytest.mark.django_db

REGISTER = "/api/auth/register/"
UPDATE = "/api/profile/update/"
TOKEN = "/api/token/"
STRONG = "Plum-Orbit-Lantern-42"
KELVIN_KATE = "\u212aate"  # KELVIN SIGN, then "ate"
LONG_S_SAM = "\u017fam0"  # LATIN SMALL LETTER LONG S, then "am0"
LIGATURE_FINN = "\ufb01nn"  # LATIN SMALL LIGATURE FI, then "nn"

# (the name taken, its look-alike)
LOOKALIKES = [("kate", KELVIN_KATE), ("sam0", LONG_S_SAM), ("finn", LIGATURE_FINN)]


def register(client: APIClient, username: str, **extra):
    body = {"username": username, "password": STRONG, **extra}
    return client.post(REGISTER, body, format="json")


def users() -> list[tuple]:
    return list(User.objects.order_by("pk").values_list("pk", "username", "email"))


@pytest.mark.parametrize(("taken", "lookalike"), LOOKALIKES)
def test_register_refuses_a_lookalike_of_a_taken_username(api_client, taken, lookalike):
    UserFactory(username=taken)
    before = users()

    response = register(api_client, lookalike, email="new@example.com")

    assert response.status_code == 400
    assert response.json() == {"username": ["A user with that username already exists."]}
    assert users() == before


@pytest.mark.parametrize(
    ("sent", "stored"),
    [(LIGATURE_FINN, "finn"), (KELVIN_KATE, "Kate"), (LONG_S_SAM, "sam0")],
)
def test_register_stores_the_username_nfkc_normalised(api_client, sent, stored):
    response = register(api_client, sent)

    assert response.status_code == 201
    assert response.json()["username"] == stored
    assert User.objects.get().username == stored


@pytest.mark.parametrize(("taken", "lookalike"), LOOKALIKES)
def test_profile_update_refuses_a_lookalike_of_a_taken_username(taken, lookalike):
    UserFactory(username=taken)
    partner = UserFactory(username="anna")
    client = bearer_client(partner)
    before = users()

    response = client.patch(UPDATE, {"username": lookalike, "first_name": "X"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"username": ["A user with that username already exists."]}
    assert users() == before
    partner.refresh_from_db()
    assert partner.first_name == "Anna"
    assert client.get("/api/profile/").status_code == 200


def test_profile_update_stores_the_username_nfkc_normalised(partner_client, partner):
    response = partner_client.patch(UPDATE, {"username": LIGATURE_FINN}, format="json")

    assert response.status_code == 200
    assert response.json()["User"][0]["username"] == "finn"
    partner.refresh_from_db()
    assert partner.username == "finn"


def test_profile_update_keeps_own_name_in_another_spelling():
    partner = UserFactory(username="sam0")
    client = bearer_client(partner)

    response = client.patch(UPDATE, {"username": LONG_S_SAM}, format="json")

    assert response.status_code == 200
    partner.refresh_from_db()
    assert partner.username == "sam0"


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("sam0", LONG_S_SAM),
        ("sam0", "SAM0"),
        ("kate", KELVIN_KATE),
        ("Kate", "kATE"),
        ("finn", LIGATURE_FINN),
    ],
)
def test_sign_in_with_any_spelling_finds_the_one_partner(api_client, stored, typed):
    partner = UserFactory(username=stored)

    response = api_client.post(TOKEN, {"username": typed, "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert RefreshToken(response.json()["refresh"])["user_id"] == str(partner.pk)


def test_sign_in_never_matches_two_partners(api_client):
    """Two names the old `__iexact` took as one (`UPPER` equal), the constraint as two.

    Such rows exist if they were written before names were normalised; signing in as one of
    them must find that one, not fail on finding both.
    """
    sam = UserFactory(username="sam0")
    UserFactory(username=LONG_S_SAM, password="Other-Password-For-Long-S")

    response = api_client.post(TOKEN, {"username": "sam0", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert RefreshToken(response.json()["refresh"])["user_id"] == str(sam.pk)


# --- The race: the serializer's check passed, the constraint refused -----------------------
# Simulated by switching the check off, so that the service's answer to the constraint is
# what the client sees; the real race follows below on PostgreSQL.


@pytest.fixture
def no_register_checks(monkeypatch):
    monkeypatch.setattr(RegisterSerializer, "validate_username", lambda self, value: value)
    monkeypatch.setattr(RegisterSerializer, "validate_email", lambda self, value: value)


@pytest.fixture
def no_update_checks(monkeypatch):
    monkeypatch.setattr(ProfileUpdateSerializer, "validate_username", lambda self, value: value)
    monkeypatch.setattr(ProfileUpdateSerializer, "validate_email", lambda self, value: value)


@pytest.mark.usefixtures("no_register_checks")
@pytest.mark.parametrize(("taken", "lookalike"), [*LOOKALIKES, ("anna", "ANNA")])
def test_register_race_on_username_answers_on_username(api_client, taken, lookalike):
    UserFactory(username=taken, email="first@example.com")
    before = users()

    response = register(api_client, lookalike, email="second@example.com")

    assert response.status_code == 400
    assert response.json() == {"username": ["A user with that username already exists."]}
    assert users() == before


@pytest.mark.usefixtures("no_register_checks")
def test_register_race_on_email_answers_on_email(api_client):
    UserFactory(username="first", email="kate@example.com")
    before = users()

    response = register(api_client, "second", email="Kate@Example.com")

    assert response.status_code == 400
    assert response.json() == {"email": ["A user with that e-mail already exists."]}
    assert users() == before


@pytest.mark.usefixtures("no_update_checks")
@pytest.mark.parametrize(
    ("body", "field"),
    [({"username": KELVIN_KATE}, "username"), ({"email": "KATE@example.com"}, "email")],
)
def test_profile_update_race_answers_on_the_field_taken(body, field):
    UserFactory(username="kate", email="kate@example.com")
    partner = UserFactory(username="anna", email="anna@example.com")
    client = bearer_client(partner)
    before = users()

    response = client.patch(UPDATE, body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert users() == before
    assert client.get("/api/profile/").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("spellings", [("sam0", LONG_S_SAM), ("kate", KELVIN_KATE)])
def test_simultaneous_registrations_of_lookalikes_make_one_partner(spellings):
    skip_unless_postgresql()

    responses = run_at_once(
        [
            lambda name=name, n=n: register(APIClient(), name, email=f"racer{n}@example.com")
            for n, name in enumerate(spellings)
        ]
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 400]
    [refused] = [response for response in responses if response.status_code == 400]
    assert refused.json() == {"username": ["A user with that username already exists."]}
    assert User.objects.count() == 1
    [username] = User.objects.values_list("username", flat=True)
    response = APIClient().post(TOKEN, {"username": username, "password": STRONG}, format="json")
    assert response.status_code == 200
