"""Every new partner gets its personal invite code, whichever way it was created (SPEC §4):
registration, phone sign-up, the admin's add page and the demo data all go through
`partners.services.partner_onboard`."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from referrals.models import InviteCode
from referrals.tests.factories import PartnerFactory, personal_code

User = get_user_model()
pytestmark = pytest.mark.django_db

PERSONAL_CODE = re.compile(r"[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}")


def test_a_partner_added_in_the_admin_gets_its_personal_code(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "added",
            "password1": "Plum-Orbit-Lantern-42",
            "password2": "Plum-Orbit-Lantern-42",
            "usable_password": "true",
            "email": "added@example.com",
            "phone": "",
            "bank": "",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    added = User.objects.get(username="added")
    assert PERSONAL_CODE.fullmatch(personal_code(added))


def test_an_admin_add_that_fails_creates_no_partner_and_no_code(admin_client):
    PartnerFactory(username="taken")
    users_before, codes_before = User.objects.count(), InviteCode.objects.count()

    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "TAKEN",
            "password1": "Plum-Orbit-Lantern-42",
            "password2": "Plum-Orbit-Lantern-42",
            "usable_password": "true",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"]
    assert User.objects.count() == users_before
    assert InviteCode.objects.count() == codes_before


def test_the_demo_partner_and_admin_get_their_personal_codes(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    for username in ("demo", "admin"):
        user = User.objects.get(username=username)
        assert PERSONAL_CODE.fullmatch(personal_code(user))
        assert InviteCode.objects.filter(user=user).count() == 1
