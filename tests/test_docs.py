"""The OpenAPI description and its two viewers work with no internet."""

import re

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_schema_declares_both_auth_schemes_and_every_endpoint(api_client):
    response = api_client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["jwtAuth"]["scheme"] == "bearer"
    assert schemes["bankToken"]["name"] == "Authorization"
    for path in [
        "/api/auth/register/",
        "/api/token/",
        "/api/token/refresh/",
        "/api/token/verify/",
        "/api/token/logout/",
        "/api/banks/",
        "/api/categories/",
        "/api/product/",
        "/api/product/{id}/",
        "/api/auth/phone/",
        "/api/auth/phone/verify/",
        "/api/profile/",
        "/api/profile/update/",
        "/api/profile/password/",
        "/api/referrals/",
        "/api/referrals/codes/",
        "/api/referrals/apply/",
        "/api/bank/catalog/",
        "/api/order/ref/{username}/{product_id}/",
        "/api/order/{id}/{token}/",
        "/api/bank/orders/",
        "/api/bank/orders/{id}/",
        "/api/orders/",
        "/api/orders/{id}/",
        "/api/orders/{id}/confirm/",
        "/api/stats/",
    ]:
        assert path in schema["paths"], path
    product_list = schema["paths"]["/api/product/"]["get"]
    assert {"jwtAuth": []} in product_list["security"]
    bank_import = schema["paths"]["/api/bank/catalog/"]["post"]
    assert {"bankToken": []} in bank_import["security"]
    assert {"bankToken": []} in schema["paths"]["/api/bank/orders/"]["get"]["security"]
    apply = schema["paths"]["/api/order/ref/{username}/{product_id}/"]["post"]
    assert "201" in apply["responses"] and "409" in apply["responses"]
    profile = schema["components"]["schemas"]["ProfileResponse"]["properties"]
    assert {"User", "Success order", "Earnings"} <= set(profile)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_their_assets_locally(client, url):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    # Nothing from the internet: every src and href is local.
    assert not re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", html)
