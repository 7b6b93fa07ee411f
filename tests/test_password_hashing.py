"""Passwords are hashed with Argon2 (issue 11, point 10; SPEC §7).

PBKDF2's default 1,000,000 rounds cost ~0.7 s of CPU per sign-in, so four sign-ins held every
worker. The tests run with MD5 for speed; these check the production list and the upgrade.
"""

import time

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.utils.module_loading import import_string

from config import settings as production_settings
from referrals.tests.factories import PartnerFactory

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
PASSWORD = "Plum-Orbit-Lantern-42"


def test_argon2_is_the_production_hasher():
    first = import_string(production_settings.PASSWORD_HASHERS[0])
    assert issubclass(first, import_string(ARGON2))
    assert first.algorithm == "argon2"
    assert PBKDF2 in production_settings.PASSWORD_HASHERS  # older hashes still check


@pytest.mark.django_db
def test_sign_in_upgrades_a_pbkdf2_hash_to_argon2(settings, api_client):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    partner = PartnerFactory(username="anna")
    partner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    partner.save(update_fields=["password"])

    response = api_client.post("/api/token/", {"username": "anna", "password": PASSWORD})

    assert response.status_code == 200
    partner.refresh_from_db()
    assert partner.password.startswith("argon2$")


def cpu_seconds_to_check(encoded: str) -> float:
    started = time.process_time()  # every thread's CPU, whatever else the machine runs
    assert check_password(PASSWORD, encoded)
    return time.process_time() - started


def test_an_argon2_check_costs_a_fraction_of_pbkdf2(settings):
    """Relative, so a busy machine does not fail it: PBKDF2 ~0.5-0.7 s, Argon2 ~45 ms."""
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    argon2 = make_password(PASSWORD)
    pbkdf2 = make_password(PASSWORD, hasher="pbkdf2_sha256")
    assert argon2.startswith("argon2$")
    assert cpu_seconds_to_check(argon2) * 4 < cpu_seconds_to_check(pbkdf2)
