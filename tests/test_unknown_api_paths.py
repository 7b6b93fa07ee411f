"""Every method on an unknown /api/ path answers a JSON 404 (issue 11, point 2).

The catch-all view was not CSRF-exempt: a POST, PUT, PATCH or DELETE there got Django's HTML
403 "CSRF verification failed" (the API's own views are exempt, as DRF's are).
"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PATHS = ["/api/token", "/api/orders/abc/confirm/", "/api/nothing/here/"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "get"])
def test_unknown_api_path_is_json_404_for_every_method(path, method):
    client = Client(enforce_csrf_checks=True)
    if method == "get":
        response = client.get(path)
    else:
        response = getattr(client, method)(path, data="{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found."}
