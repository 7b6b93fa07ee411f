"""Shared counters: one atomic count across processes, in Redis or in database rows."""

import threading

import pytest
import redis
from django.db import connection
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory
from core import ratelimit

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["database", "redis"])
def store(request, settings):
    """Run the test once on each shared store the server may use."""
    if request.param == "redis":
        if not redis_available():
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        settings.REDIS_URL = REDIS_URL
    else:
        settings.REDIS_URL = ""
    yield request.param
    if request.param == "redis":
        ratelimit.clear_all()


@pytest.mark.django_db
def test_hit_counts_within_window_and_reports_retry_after(store):
    first = ratelimit.hit("k", window=60)
    second = ratelimit.hit("k", window=60)
    other = ratelimit.hit("other", window=60)

    assert (first.count, second.count, other.count) == (1, 2, 1)
    assert 1 <= second.retry_after <= 60


@pytest.mark.django_db
def test_clear_forgets_the_count(store):
    ratelimit.hit("k", window=60)
    ratelimit.clear("k")

    assert ratelimit.hit("k", window=60).count == 1


@pytest.mark.django_db
def test_expired_window_starts_again(store, monkeypatch):
    ratelimit.hit("k", window=1)
    if store == "redis":
        ratelimit._redis_client(REDIS_URL).expire(ratelimit._full_key("k"), 0)
    else:
        from datetime import timedelta

        from django.utils import timezone

        from core.models import RateCounter

        RateCounter.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert ratelimit.hit("k", window=60).count == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_hits_get_twenty_distinct_counts(store):
    if store == "database" and connection.vendor != "postgresql":
        pytest.skip("concurrent database writers need PostgreSQL")
    barrier = threading.Barrier(20)
    counts: list[int] = []
    lock = threading.Lock()

    def hit_once():
        try:
            barrier.wait()
            result = ratelimit.hit("burst", window=60)
            with lock:
                counts.append(result.count)
        finally:
            connection.close()

    threads = [threading.Thread(target=hit_once) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(counts) == list(range(1, 21))


@pytest.mark.django_db
def test_auth_throttle_answers_429_with_retry_after(store, settings, api_client):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "auth": "3/min"}
    UserFactory(username="anna")
    body = {"username": "anna", "password": PASSWORD}

    statuses = [api_client.post("/api/token/", body).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = api_client.post("/api/token/", body)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "detail" in response.json()


@pytest.mark.django_db
def test_forged_forwarded_for_does_not_escape_the_throttle(store, settings, api_client):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "auth": "2/min"}
    body = {"username": "nobody", "password": "x"}

    statuses = [
        api_client.post("/api/token/", body, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(4)
    ]

    assert statuses == [401, 401, 429, 429]


@pytest.mark.django_db
def test_a_partners_changes_are_throttled_per_partner_and_reads_are_not(store, settings):
    """Guessing invite codes (or probing taken e-mails) is bounded per partner."""
    from referrals.models import Referral
    from tests.clients import bearer_client

    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "partner_write": "3/min"}
    client = bearer_client(UserFactory())
    guess = {"code": "NOPE-0000"}

    statuses = [client.post("/api/referrals/apply/", guess).status_code for _ in range(4)]
    refused = client.post("/api/referrals/apply/", guess)

    assert statuses == [400, 400, 400, 429]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "detail" in refused.json()
    assert client.get("/api/profile/").status_code == 200  # reads are not counted
    assert bearer_client(UserFactory()).post("/api/referrals/apply/", guess).status_code == 400
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_banks_are_not_counted_as_partners(store, settings):
    from catalog.services import bank_issue_token
    from orders.tests.factories import OrderFactory

    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "partner_write": "1/min"}
    order = OrderFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bank {bank_issue_token(bank=order.product.bank)}")

    statuses = [
        client.patch(f"/api/bank/orders/{order.pk}/", {"view": True}, format="json").status_code
        for _ in range(3)
    ]

    assert statuses == [200, 200, 200]
