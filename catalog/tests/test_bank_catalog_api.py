"""`POST /api/bank/catalog/`: a bank keeps its catalogue current with one call."""

import pytest
import yaml

from catalog.models import Category, Product
from catalog.services import bank_issue_token
from catalog.tests.factories import BankFactory, ProductFactory
from tests import clients

pytestmark = pytest.mark.django_db

URL = "/api/bank/catalog/"


def catalogue(bank_name: str, products=None) -> bytes:
    data = {
        "bank": bank_name,
        "categories": [{"id": "cards", "name": "Credit cards"}],
        "products": products
        if products is not None
        else [
            {
                "id": "cashback-card",
                "name": "Cashback card",
                "category": "cards",
                "percent_user": 1.5,
                "percent_bank": 3,
            }
        ],
    }
    return yaml.safe_dump(data).encode()


@pytest.fixture
def bank():
    return BankFactory(name="Example Bank")


@pytest.fixture
def bank_client(bank):
    return clients.bank_client(bank)


def snapshot() -> list:
    products = Product.objects.order_by("pk").values_list(
        "pk", "external_id", "name", "percent_user", "is_active"
    )
    return [*products, Category.objects.count()]


def post_yaml(client, body: bytes, content_type: str = "application/x-yaml"):
    return client.generic("POST", URL, body, content_type=content_type)


@pytest.mark.parametrize("content_type", ["application/x-yaml", "application/yaml", "text/yaml"])
def test_import_from_body_creates_products(bank_client, bank, content_type):
    response = post_yaml(bank_client, catalogue("Example Bank"), content_type)

    assert response.status_code == 200
    assert response.json() == {
        "categories": {"created": 1, "updated": 0},
        "products": {"created": 1, "updated": 0, "deactivated": 0},
    }
    product = Product.objects.get(bank=bank)
    assert (product.external_id, str(product.percent_user)) == ("cashback-card", "1.50")


def test_import_from_multipart_file(bank_client, bank):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("catalog.yaml", catalogue("Example Bank"), "application/x-yaml")
    response = bank_client.post(URL, {"file": upload}, format="multipart")

    assert response.status_code == 200
    assert Product.objects.filter(bank=bank).count() == 1


def test_imports_are_not_counted_as_partner_writes(bank_client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "partner_write": "1/min"}

    for _ in range(3):
        assert post_yaml(bank_client, catalogue("Example Bank")).status_code == 200


def test_multipart_without_file_is_400(bank_client):
    response = bank_client.post(URL, {"other": "x"}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()


def test_an_empty_body_is_400_asking_for_the_catalogue(bank_client, bank):
    ProductFactory(bank=bank)
    before = snapshot()

    response = post_yaml(bank_client, b"")

    assert response.status_code == 400
    assert "No catalogue" in response.json()["file"][0]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("field", "key"),
    [
        ("name", "products[0].name"),
        ("id", "products[0].id"),
        ("description", "products[0].description"),
        ("category", "products[0].category"),
    ],
)
def test_a_nul_character_is_400_naming_item_and_field(bank_client, bank, field, key):
    """YAML spells a NUL byte as "\\0"; PostgreSQL refuses one in text (a 500 before)."""
    ProductFactory(bank=bank, external_id="kept")
    before = snapshot()
    product = {
        "id": "card",
        "name": "Cashback card",
        "category": "cards",
        "percent_user": 1.5,
        "percent_bank": 3,
        "description": "Up to 5%",
    }
    product[field] = product[field] + "\x00"

    response = post_yaml(bank_client, catalogue("Example Bank", products=[product]))

    assert response.status_code == 400
    assert key in response.json()
    assert snapshot() == before


def test_a_nul_character_in_a_category_name_is_400(bank_client, bank):
    before = snapshot()
    body = yaml.safe_dump(
        {
            "bank": "Example Bank",
            "categories": [{"id": "cards", "name": "Credit\x00cards"}],
            "products": [],
        }
    ).encode()

    response = post_yaml(bank_client, body)

    assert response.status_code == 400
    assert "categories[0].name" in response.json()
    assert snapshot() == before


def test_reimport_updates_and_deactivates(bank_client, bank):
    post_yaml(bank_client, catalogue("Example Bank"))
    manual = ProductFactory(bank=bank, external_id="old-product")
    changed = catalogue(
        "Example Bank",
        products=[
            {
                "id": "cashback-card",
                "name": "Cashback card",
                "category": "cards",
                "percent_user": 2,
                "percent_bank": 3,
            },
        ],
    )

    response = post_yaml(bank_client, changed)

    assert response.status_code == 200
    assert response.json()["products"] == {"created": 0, "updated": 1, "deactivated": 1}
    manual.refresh_from_db()
    assert manual.is_active is False
    assert str(Product.objects.get(external_id="cashback-card").percent_user) == "2.00"


def test_file_of_another_bank_is_400_and_changes_nothing(bank_client):
    other = ProductFactory(bank=BankFactory(name="Other Bank"))
    before = snapshot()

    response = post_yaml(bank_client, catalogue("Other Bank", products=[]))

    assert response.status_code == 400
    assert "bank" in response.json()
    assert snapshot() == before
    other.refresh_from_db()
    assert other.is_active


def test_invalid_item_is_400_naming_item_and_field(bank_client, bank):
    ProductFactory(bank=bank, external_id="kept")
    before = snapshot()
    bad = catalogue(
        "Example Bank",
        products=[
            {"id": "a", "name": "A", "category": "cards", "percent_user": 1, "percent_bank": 1},
            {"id": "b", "name": "B", "category": "cards", "percent_user": 101, "percent_bank": 1},
        ],
    )

    response = post_yaml(bank_client, bad)

    assert response.status_code == 400
    assert "products[1].percent_user" in response.json()
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        b"!!python/object/apply:os.system ['echo hacked']",
        b'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
        b"c: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
        b"- just\n- a list\n",
        b"bank: [unclosed",
        b"\xff\xfe\x00garbage",
    ],
    ids=["python-tag", "alias-bomb", "not-a-mapping", "malformed", "not-utf8"],
)
def test_hostile_or_broken_yaml_is_400_and_changes_nothing(bank_client, bank, body):
    ProductFactory(bank=bank)
    before = snapshot()

    response = post_yaml(bank_client, body)

    assert response.status_code == 400
    assert response.json()
    assert snapshot() == before


def test_body_over_one_mebibyte_is_413(bank_client, bank):
    body = catalogue("Example Bank") + b"#" + b"x" * (1024 * 1024)

    response = post_yaml(bank_client, body)

    assert response.status_code == 413
    assert "detail" in response.json()
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b'{"bank": "Example Bank"}', "application/json"), (b"bank=x", "text/plain")],
)
def test_other_content_types_are_415(bank_client, body, content_type):
    response = post_yaml(bank_client, body, content_type)

    assert response.status_code == 415
    assert not Product.objects.exists()


@pytest.mark.parametrize("header", [None, "Bank wrong-token", "Bank", "Bearer x"])
def test_without_a_valid_bank_token_is_401(api_client, bank, header):
    if header:
        api_client.credentials(HTTP_AUTHORIZATION=header)

    response = post_yaml(api_client, catalogue("Example Bank"))

    assert response.status_code == 401
    assert not Product.objects.exists()


def test_partner_token_is_refused(partner, bank):
    response = post_yaml(clients.bearer_client(partner), catalogue("Example Bank"))

    assert response.status_code == 401
    assert "Authorization: Bank <token>" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bank"
    assert not Product.objects.exists()


def test_token_of_inactive_bank_is_refused(api_client, bank):
    token = bank_issue_token(bank=bank)
    bank.is_active = False
    bank.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bank {token}")

    assert post_yaml(api_client, catalogue("Example Bank")).status_code == 401


def test_old_token_stops_working_after_a_new_one_is_issued(api_client, bank):
    old = bank_issue_token(bank=bank)
    bank_issue_token(bank=bank)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bank {old}")

    assert post_yaml(api_client, catalogue("Example Bank")).status_code == 401
