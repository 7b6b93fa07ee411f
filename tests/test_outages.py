"""A dependency that is down or hangs answers a JSON 503 with `Retry-After`, fast (issue 11,
points 4 and 11; SPEC §7): the shared store of the throttles' counters (Redis) and the database.

Before, a dead Redis was a generic 500 on every throttled endpoint (after 2 s when it hung)
while `/health/` said ok, and a lost database connection was a generic 500 too: a client could
not tell an outage it should retry from a bug.
"""

import socket
import threading
import time

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db

NOTHING_LISTENS = "redis://127.0.0.1:1/0"


@pytest.fixture
def hanging_redis_url():
    """A port that accepts connections and never answers, like a Redis that hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join(timeout=2)
    for conn in accepted:
        conn.close()
    server.close()


def assert_json_503(response) -> None:
    assert response.status_code == 503, response.content
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail"}
    assert int(response["Retry-After"]) > 0


def sign_in(api_client):
    return api_client.post("/api/token/", {"username": "anna", "password": "whatever-123"})


@pytest.mark.parametrize("kind", ["down", "hanging"])
def test_throttled_endpoint_answers_503_when_redis_fails(
    settings, api_client, kind, hanging_redis_url
):
    settings.REDIS_URL = NOTHING_LISTENS if kind == "down" else hanging_redis_url
    started = time.monotonic()
    response = sign_in(api_client)
    assert_json_503(response)
    assert time.monotonic() - started < 1.5


def test_phone_code_request_answers_503_when_redis_is_down(settings, api_client, outbox):
    settings.REDIS_URL = NOTHING_LISTENS
    assert_json_503(api_client.post("/api/auth/phone/", {"phone": "+79991234567"}))
    assert outbox.messages() == []


def test_health_reports_the_cache(settings, api_client):
    settings.REDIS_URL = NOTHING_LISTENS
    response = api_client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "unavailable"}
    assert int(response["Retry-After"]) > 0


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)


def test_lost_database_answers_json_503(settings, api_client, database_down):
    settings.REDIS_URL = ""
    assert_json_503(api_client.get("/api/banks/"))
    assert_json_503(sign_in(api_client))  # the counters live in the database too


@pytest.fixture
def signed_in_partner(partner_client):
    return partner_client


def test_lost_database_answers_json_503_to_a_partner(signed_in_partner, database_down):
    assert_json_503(signed_in_partner.get("/api/orders/"))
