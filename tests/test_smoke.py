import pytest


@pytest.mark.django_db
def test_health_reports_database_ok(api_client):
    response = api_client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
