"""Everything under /api/ answers JSON in DRF's shapes, whatever goes wrong."""

import pytest
from django.db import DatabaseError

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def assert_json(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_api_url_is_json_404(client, settings, debug):
    settings.DEBUG = debug

    response = client.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert assert_json(response) == {"detail": "Not found."}


def test_wrong_method_is_json_405(api_client):
    response = api_client.delete("/api/banks/")

    assert response.status_code == 405
    assert "detail" in assert_json(response)


def test_malformed_json_is_400(api_client):
    response = api_client.post(
        "/api/token/", data='{"username": "a", ', content_type="application/json"
    )

    assert response.status_code == 400
    assert "detail" in assert_json(response)


@pytest.mark.parametrize(
    "url", ["/api/auth/register/", "/api/token/", "/api/auth/phone/", "/api/orders/"]
)
def test_json_nested_deeper_than_python_follows_is_400(api_client, partner, url):
    """About 100 KB of brackets: Python's parser gives up with a RecursionError (a 500 before)."""
    User = partner.__class__
    users = User.objects.count()
    api_client.force_authenticate(partner)
    depth = 50_000

    response = api_client.generic(
        "POST", url, "[" * depth + "]" * depth, content_type="application/json"
    )

    assert response.status_code == 400
    assert "nested too deeply" in assert_json(response)["detail"]
    assert User.objects.count() == users


def test_wrong_content_type_is_415(api_client):
    response = api_client.post("/api/token/", data="<xml/>", content_type="application/xml")

    assert response.status_code == 415
    assert "detail" in assert_json(response)


def test_body_over_one_mebibyte_is_413_and_nothing_is_created(api_client):
    from django.contrib.auth import get_user_model

    body = '{"username": "big", "password": "' + "x" * (1024 * 1024) + '"}'

    response = api_client.post("/api/auth/register/", data=body, content_type="application/json")

    assert response.status_code == 413
    assert "detail" in assert_json(response)
    assert not get_user_model().objects.exists()


def test_unhandled_error_in_a_view_is_json_500(api_client, monkeypatch):
    from catalog import selectors

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "banks_active", broken)

    response = api_client.get("/api/banks/")

    assert response.status_code == 500
    assert assert_json(response) == {"detail": "Internal server error."}
    assert "boom" not in response.content.decode()


def test_authenticated_but_not_allowed_shape_is_detail(api_client):
    UserFactory()
    response = api_client.get("/api/product/")

    assert response.status_code == 401
    assert set(assert_json(response)) == {"detail"}


def test_health_reports_database_ok(api_client):
    response = api_client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_answers_head_for_load_balancers(api_client):
    assert api_client.head("/health/").status_code == 200
    assert api_client.post("/health/").status_code == 405


def test_health_is_503_when_database_is_down(api_client, monkeypatch):
    from core import views

    class DeadConnection:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(views, "connection", DeadConnection())

    response = api_client.get("/health/")

    assert response.status_code == 503
    assert response.json()["database"] != "ok"


def test_missing_object_404_names_no_model(partner_client):
    """Generic views raise Django's Http404 ("No Product matches..."); every 404 reads alike."""
    response = partner_client.get("/api/product/987654/")

    assert response.status_code == 404
    assert assert_json(response) == {"detail": "Not found."}
