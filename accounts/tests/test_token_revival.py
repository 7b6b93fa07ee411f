"""A credential changed and changed back does not bring earlier tokens back to life (SPEC §3).

The stamp covers the credentials themselves and `token_version`, which every change of them
moves on for good: a rename and a rename back, a deactivation and a reactivation, leave the
values as they were but not the version.
"""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.helpers import assert_alive, assert_dead, signed_in
from accounts.tokens import issue_token_pair

User = get_user_model()
pytestmark = pytest.mark.django_db

UPDATE = "/api/profile/update/"


def test_rename_and_rename_back_does_not_revive_earlier_tokens(partner):
    original = partner.username
    earlier = issue_token_pair(partner)

    renamed = signed_in(earlier["access"]).patch(UPDATE, {"username": "renamed"})
    assert renamed.status_code == 200
    back = signed_in(renamed.json()["access"]).patch(UPDATE, {"username": original})
    assert back.status_code == 200

    partner.refresh_from_db()
    assert partner.username == original
    assert_dead(earlier)
    assert_dead({key: renamed.json()[key] for key in ("access", "refresh")})
    assert_alive({key: back.json()[key] for key in ("access", "refresh")})


def test_letter_case_rename_and_back_does_not_revive_earlier_tokens():
    partner = UserFactory(username="anna")
    earlier = issue_token_pair(partner)

    renamed = signed_in(earlier["access"]).patch(UPDATE, {"username": "Anna"})
    assert renamed.status_code == 200
    back = signed_in(renamed.json()["access"]).patch(UPDATE, {"username": "anna"})
    assert back.status_code == 200

    assert_dead(earlier)
    assert_alive({key: back.json()[key] for key in ("access", "refresh")})


def test_profile_change_of_other_fields_keeps_tokens(partner):
    earlier = issue_token_pair(partner)

    response = signed_in(earlier["access"]).patch(UPDATE, {"first_name": "Maria"})

    assert response.status_code == 200
    assert "access" not in response.json()
    assert_alive(earlier)


def test_deactivation_and_reactivation_do_not_revive_earlier_tokens(admin_client, partner):
    earlier = issue_token_pair(partner)
    change = f"/admin/accounts/user/{partner.pk}/change/"
    form = {
        "username": partner.username,
        "first_name": partner.first_name,
        "last_name": partner.last_name,
        "email": partner.email,
        "date_joined_0": "2025-01-01",
        "date_joined_1": "10:00:00",
        "phone": "",
        "bank": "",
    }

    deactivated = admin_client.post(change, form)
    assert deactivated.status_code == 302
    partner.refresh_from_db()
    assert not partner.is_active
    assert_dead(earlier)

    reactivated = admin_client.post(change, {**form, "is_active": "on"})
    assert reactivated.status_code == 302
    partner.refresh_from_db()
    assert partner.is_active
    assert_dead(earlier)

    signed_in = APIClient().post(
        "/api/token/", {"username": partner.username, "password": PASSWORD}, format="json"
    )
    assert signed_in.status_code == 200
    assert_alive(signed_in.json())


def test_admin_rename_and_rename_back_does_not_revive_earlier_tokens(partner):
    original = partner.username
    earlier = issue_token_pair(partner)

    partner.username = "renamed"
    partner.save()
    partner.username = original
    partner.save()

    assert_dead(earlier)
    assert_alive(issue_token_pair(partner))


def test_password_change_and_back_does_not_revive_earlier_tokens(partner):
    earlier = issue_token_pair(partner)
    stored = partner.password

    partner.set_password("Another-Strong-Pass-77")
    partner.save(update_fields=["password"])
    partner.password = stored  # the very hash of before, as a restore from backup would
    partner.save(update_fields=["password"])

    assert partner.check_password(PASSWORD)
    assert_dead(earlier)
    assert_alive(issue_token_pair(partner))


def test_stale_copy_saved_over_a_newer_one_does_not_revive_earlier_tokens(partner):
    """A copy loaded before a rename, saved after it, writes the old name back."""
    stale = User.objects.get(pk=partner.pk)
    earlier = issue_token_pair(partner)
    partner.username = "renamed"
    partner.save()

    stale.first_name = "Maria"
    stale.save()

    partner.refresh_from_db()
    assert (partner.username, partner.first_name) == (stale.username, "Maria")
    assert_dead(earlier)
    assert_alive(issue_token_pair(partner))


def test_saves_that_change_no_credential_keep_the_version(partner):
    version = partner.token_version
    earlier = issue_token_pair(partner)

    partner.first_name = "Maria"
    partner.save()
    partner.save(update_fields=["last_login", "username"])

    partner.refresh_from_db()
    assert partner.token_version == version
    assert_alive(earlier)


def test_receivers_of_a_save_see_the_new_version_as_a_number(partner):
    """A post_save receiver (a stamp, a serializer) must see a plain number, not a pending
    database expression."""
    from django.db.models.signals import post_save

    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.token_version)

    post_save.connect(receiver, sender=User)
    try:
        version = partner.token_version
        partner.username = "renamed"
        partner.save()
    finally:
        post_save.disconnect(receiver, sender=User)

    assert seen == [version + 1]
    partner.refresh_from_db()
    assert partner.token_version == version + 1


def test_an_e_mail_lookup_never_matches_partners_without_one():
    UserFactory(email="")
    UserFactory(email="")

    assert not User.objects.with_email("").exists()
