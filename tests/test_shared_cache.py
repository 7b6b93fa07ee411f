"""Reads kept in Redis never outlive a change: revocation stays immediate (core.cache)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from catalog.services import bank_issue_token
from catalog.tests.factories import BankFactory
from core import cache as shared_cache
from tests.clients import bearer_client, signed_in

User = get_user_model()
pytestmark = pytest.mark.django_db


def user_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/referrals/codes/").status_code == 200
    return sum('FROM "accounts_user"' in query["sql"] for query in queries.captured_queries)


def test_the_signed_in_partner_is_read_once_then_from_the_cache(redis_cache):
    client = bearer_client(UserFactory())

    assert user_queries(client) == 1
    assert user_queries(client) == 0


@pytest.mark.parametrize("change", ["deactivate", "password", "rename"])
def test_a_cached_partner_is_dropped_by_any_change_and_old_tokens_die_at_once(redis_cache, change):
    partner = UserFactory()
    client = bearer_client(partner)
    assert client.get("/api/profile/").status_code == 200  # now cached

    if change == "deactivate":
        partner.is_active = False
        partner.save()
    elif change == "password":
        partner.set_password("Another-Long-Password-7")
        partner.save()
    else:
        partner.username = "renamed"
        partner.save()

    assert client.get("/api/profile/").status_code == 401


def test_a_deleted_partners_token_dies_at_once(redis_cache, admin_client):
    partner = UserFactory()
    client = bearer_client(partner)
    assert client.get("/api/profile/").status_code == 200

    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [partner.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=partner.pk).exists()
    assert client.get("/api/profile/").status_code == 401


def test_a_replaced_or_deactivated_bank_token_fails_at_once(redis_cache):
    bank = BankFactory()
    old = bank_issue_token(bank=bank)
    listing = "/api/bank/orders/"
    assert signed_in_bank(old).get(listing).status_code == 200  # now cached

    new = bank_issue_token(bank=bank)
    assert signed_in_bank(old).get(listing).status_code == 401
    assert signed_in_bank(new).get(listing).status_code == 200

    bank.is_active = False
    bank.save()
    assert signed_in_bank(new).get(listing).status_code == 401


def test_a_change_renews_the_generation_again_when_it_commits(
    redis_cache, django_capture_on_commit_callbacks
):
    """A request that read the row between the change and its commit cached the old row under
    the generation the change had just made: the commit's renewal leaves it unread."""
    partner = UserFactory()
    name = User.cache_name(partner.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        partner.first_name = "Changed"
        partner.save()
        during = shared_cache._generation(name)
    for callback in callbacks:
        callback()

    assert shared_cache._generation(name) != during


def test_without_redis_nothing_is_cached(settings):
    settings.REDIS_URL = ""
    client = bearer_client(UserFactory())

    assert user_queries(client) == 1
    assert user_queries(client) == 1


def signed_in_bank(token: str):
    client = signed_in("unused")
    client.credentials(HTTP_AUTHORIZATION=f"Bank {token}")
    return client
