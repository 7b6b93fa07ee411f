import os
import socket
import uuid

import pytest
import redis
from rest_framework.test import APIClient

from referrals.tests.factories import PartnerFactory
from tests.clients import bearer_client
from tests.sms import Outbox


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    """Each test counts and caches under its own prefixes, so no test is throttled by another's
    requests or reads another's cached rows (ids repeat between test databases)."""
    settings.RATELIMIT_KEY_PREFIX = f"rl-test-{uuid.uuid4().hex}"
    settings.CACHE_NAMESPACE = f"c-test-{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def _no_webhook_leaves_the_host(monkeypatch):
    """Deliveries resolve only loopback names and addresses in the tests: a test that
    subscribes `https://hooks.example.com/` and triggers an event never sends it anywhere (the
    guard refuses it as unresolvable). Tests of the guard put their own resolver in."""
    real = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        if host not in {"127.0.0.1", "::1", "localhost"}:
            raise socket.gaierror(socket.EAI_NONAME, f"tests resolve no name but loopback: {host}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr("webhooks.transport.getaddrinfo", loopback_only)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def partner(db):
    """A partner as a sign-up leaves it, personal invite code included."""
    return PartnerFactory()


@pytest.fixture
def partner_client(partner) -> APIClient:
    return bearer_client(partner)


@pytest.fixture
def outbox(settings, tmp_path) -> Outbox:
    """SMS go to a JSON-lines file in the test's own directory."""
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms" / "outbox.jsonl"
    return Outbox(settings.SMS_FILE_PATH)


@pytest.fixture
def redis_cache(settings):
    """The shared cache in Redis (the run's `REDIS_URL` when it names one, else logical DB 15
    of a local Redis), as production has it; skipped when no Redis answers."""
    url = os.environ.get("REDIS_URL", "")
    url = url if url.startswith("redis://") else "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not running at {url}")
    settings.REDIS_URL = url
    settings.CACHES = {"default": {"BACKEND": "core.redis_cache.RedisCache", "LOCATION": url}}
