"""The API docs stay on this site: the pages' policy, and the examples tell the truth."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_the_apply_through_a_link_example_is_a_new_application(api_client):
    schema = yaml.safe_load(api_client.get("/api/schema/").content)

    created = schema["paths"]["/api/order/ref/{username}/{product_id}/"]["post"]["responses"]
    examples = created["201"]["content"]["application/json"]["examples"]
    assert [example["value"]["status"] for example in examples.values()] == ["new"]


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_allow_nothing_from_another_site(client, url):
    response = client.get(url)

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "img-src 'self' data:" in policy  # ReDoc's CDN logo is refused by the browser
    assert "http" not in policy


def test_swagger_ui_has_no_inline_script(client):
    page = client.get("/api/docs/").content.decode()

    assert "<script>" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
