import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Bank, Product
from catalog.selectors import bank_by_token
from catalog.services import bank_issue_token
from catalog.tests.factories import BankFactory, CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

CATALOGUE = b"""
bank: Example Bank
categories: [{id: cards, name: Credit cards}]
products:
  - {id: card, name: Cashback card, category: cards, percent_user: 1.5, percent_bank: 3}
"""


@pytest.mark.parametrize(
    "url", ["/admin/catalog/bank/", "/admin/catalog/category/", "/admin/catalog/product/"]
)
def test_changelists_render_with_rows(admin_client, url):
    ProductFactory.create_batch(3)

    response = admin_client.get(url)

    assert response.status_code == 200


def test_searches_find_rows(admin_client):
    ProductFactory(name="Cashback card", bank=BankFactory(name="Alpha"))
    ProductFactory(name="Deposit", bank=BankFactory(name="Beta"))

    banks = admin_client.get("/admin/catalog/bank/?q=alph").content.decode()
    products = admin_client.get("/admin/catalog/product/?q=cashback").content.decode()

    assert "Alpha" in banks and "Beta" not in banks
    assert "Cashback card" in products and "Deposit" not in products


@pytest.mark.parametrize("banks", [3, 30])
def test_bank_changelist_query_count_does_not_grow(
    admin_client, django_assert_max_num_queries, banks
):
    for bank in BankFactory.create_batch(banks):
        ProductFactory(bank=bank)

    with django_assert_max_num_queries(10):
        assert admin_client.get("/admin/catalog/bank/").status_code == 200


def test_bank_picker_pages_through_banks_in_name_order(admin_client):
    """The autocomplete behind every bank field (products, partners) pages an ordered list."""
    names = [f"Bank {letter}" for letter in "QWERTYUIOPASDFGHJKLZXCVBNM"]
    for name in names:
        BankFactory(name=name)
    url = "/admin/autocomplete/"
    query = {"app_label": "catalog", "model_name": "product", "field_name": "bank"}

    first = admin_client.get(url, query).json()
    second = admin_client.get(url, {**query, "page": 2}).json()

    assert first["pagination"]["more"] is True
    shown = [item["text"] for item in first["results"] + second["results"]]
    assert shown == sorted(names)


def test_issue_token_action_shows_a_working_token_once(admin_client):
    bank = BankFactory(name="Example Bank")

    response = admin_client.post(
        "/admin/catalog/bank/",
        {"action": "issue_token", "_selected_action": [bank.pk]},
        follow=True,
    )

    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"]]
    token = re.search(r"store it now\): (\S+)$", message).group(1)
    bank.refresh_from_db()
    assert bank_by_token(token) == bank
    assert token not in bank.token_hash
    assert (
        admin_client.get(f"/admin/catalog/bank/{bank.pk}/change/").content.decode().count(token)
        == 0
    )


def test_product_add_and_change_forms_render(admin_client):
    product = ProductFactory()

    assert admin_client.get("/admin/catalog/product/add/").status_code == 200
    assert admin_client.get(f"/admin/catalog/product/{product.pk}/change/").status_code == 200


def test_bank_page_links_to_the_import_form(admin_client):
    bank = BankFactory()

    page = admin_client.get(f"/admin/catalog/bank/{bank.pk}/change/").content.decode()

    assert f"/admin/catalog/bank/{bank.pk}/import-catalog/" in page


def test_admin_import_runs_the_import_and_reports_the_summary(admin_client):
    bank = BankFactory(name="Example Bank")
    upload = SimpleUploadedFile("catalog.yaml", CATALOGUE)

    response = admin_client.post(
        f"/admin/catalog/bank/{bank.pk}/import-catalog/", {"file": upload}, follow=True
    )

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("products 1 created" in m for m in messages)
    assert Product.objects.get(bank=bank).external_id == "card"


def test_admin_import_shows_errors_and_changes_nothing(admin_client):
    bank = BankFactory(name="Example Bank")
    ProductFactory(bank=bank, category=CategoryFactory())
    before = list(Product.objects.values_list("pk", "is_active", "name"))
    upload = SimpleUploadedFile("catalog.yaml", CATALOGUE.replace(b"1.5", b"150"))

    response = admin_client.post(f"/admin/catalog/bank/{bank.pk}/import-catalog/", {"file": upload})

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("products[0].percent_user") for m in messages)
    assert list(Product.objects.values_list("pk", "is_active", "name")) == before


def test_admin_import_of_another_banks_file_is_refused(admin_client):
    bank = BankFactory(name="Other Bank")
    upload = SimpleUploadedFile("catalog.yaml", CATALOGUE)

    response = admin_client.post(f"/admin/catalog/bank/{bank.pk}/import-catalog/", {"file": upload})

    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("bank:") for m in messages)
    assert not Product.objects.exists()
    assert Bank.objects.count() == 1


def test_admin_import_needs_staff(client):
    bank = BankFactory()

    response = client.get(f"/admin/catalog/bank/{bank.pk}/import-catalog/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_bank_list_counts_active_products_only(admin_client):
    bank = BankFactory(name="Counted Bank")
    ProductFactory.create_batch(2, bank=bank)
    ProductFactory(bank=bank, is_active=False)

    response = admin_client.get("/admin/catalog/bank/", {"q": "Counted"})

    [listed] = response.context["cl"].result_list
    assert listed._product_count == 2


def test_the_bank_page_issues_a_token_after_asking_and_shows_it_once(admin_client):
    bank = BankFactory()
    old = bank_issue_token(bank=bank)
    page = admin_client.get(f"/admin/catalog/bank/{bank.pk}/change/").content.decode()
    issue = f"/admin/catalog/bank/{bank.pk}/issue-token/"
    assert issue in page

    asked = admin_client.get(issue)
    assert asked.status_code == 200
    assert bank_by_token(old) == bank  # asking changes nothing

    issued = admin_client.post(issue)
    token = re.search(
        r'id="new-token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*id="new-token"',
        issued.content.decode(),
    )
    new = token.group(1) or token.group(2)
    assert "no-store" in issued["Cache-Control"]
    assert bank_by_token(new) == bank
    assert bank_by_token(old) is None
    assert new not in admin_client.get(f"/admin/catalog/bank/{bank.pk}/change/").content.decode()
