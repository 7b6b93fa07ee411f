"""The catalogue import service: semantics, validation, and safety against hostile files."""

import os
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
import yaml
from django.db import connection

from catalog.errors import CatalogImportError, CatalogTooLarge
from catalog.importing import (
    MAX_CATALOG_BYTES,
    catalog_import,
    catalog_yaml_load,
    loader,
    validation,
)
from catalog.importing.validation import PERCENT_ERROR
from catalog.models import Bank, Category, Product
from catalog.tests.factories import BankFactory, CategoryFactory, ProductFactory
from catalog.tests.helpers import BANK, catalog_data, catalog_source, db_snapshot, product_item
from core.exceptions import exception_handler

pytestmark = pytest.mark.django_db

LOADERS = [
    pytest.param(loader.PurePythonCatalogLoader, id="pure-python"),
    *(
        [pytest.param(loader.LibyamlCatalogLoader, id="libyaml")]
        if hasattr(loader, "LibyamlCatalogLoader")
        else []
    ),
]


def import_refused(source: str | bytes, **kwargs) -> CatalogImportError:
    """Run an import that must fail; assert the database is exactly as before."""
    kwargs.setdefault("create_bank", True)
    before = db_snapshot()
    with pytest.raises(CatalogImportError) as info:
        catalog_import(source=source, **kwargs)
    assert db_snapshot() == before
    return info.value


@pytest.fixture
def imported_bank() -> Bank:
    """Example Bank after a good import, plus a hand-made product a new import would deactivate.

    Bad files in the tests below also drop `cashback-card` and change the category, so a
    partial write would show up in the snapshot.
    """
    bank = catalog_import(source=catalog_source(), create_bank=True).bank
    ProductFactory(bank=bank, external_id=None, name="Made by hand")
    return bank


def bad_file(**product_fields) -> str:
    """A file whose only product is new and broken: a partial import would deactivate the rest."""
    return catalog_source(
        categories=[{"id": "loans", "name": "Loans"}],
        products=[product_item(**{"id": "new-loan", "category": "loans", **product_fields})],
    )


# --- Creating, updating, deactivating ----------------------------------------------------------


def test_import_creates_bank_categories_and_products():
    source = catalog_source(
        categories=[{"id": "cards", "name": "Credit cards"}, {"id": 7, "name": "Loans"}],
        products=[
            product_item(),
            # No description: it is optional.
            {
                "id": 42,
                "name": "Car loan",
                "category": 7,
                "percent_user": 0.25,
                "percent_bank": 1.1,
            },
        ],
    )

    summary = catalog_import(source=source, create_bank=True)

    assert summary.as_dict() == {
        "categories": {"created": 2, "updated": 0},
        "products": {"created": 2, "updated": 0, "deactivated": 0},
    }
    assert summary.bank_created is True
    bank = Bank.objects.get()
    assert bank.name == BANK
    card = Product.objects.get(external_id="cashback-card")
    assert (card.bank, card.category.name, card.name, card.description) == (
        bank,
        "Credit cards",
        "Cashback card",
        "Up to 5% back",
    )
    assert (card.percent_user, card.percent_bank, card.is_active) == (
        Decimal("1.50"),
        Decimal("3.00"),
        True,
    )
    loan = Product.objects.get(external_id="42")
    assert (loan.category.name, loan.percent_user, loan.percent_bank, loan.description) == (
        "Loans",
        Decimal("0.25"),
        Decimal("1.10"),
        "",
    )


def test_import_reads_the_spec_example_verbatim():
    source = """\
bank: Example Bank            # must match the token's bank in the API; required by the command
categories:
  - id: cards                 # id inside this file (string or number)
    name: Credit cards
products:
  - id: cashback-card         # the bank's own product id: re-importing updates, never duplicates
    name: Cashback card
    category: cards
    percent_user: 1.5
    percent_bank: 3
    description: Up to 5% back  # optional
    active: true                # optional, default true
"""
    summary = catalog_import(source=source.encode(), create_bank=True)

    assert summary.products_created == 1
    assert Product.objects.get().percent_user == Decimal("1.50")


def test_import_uses_existing_bank_named_in_other_letter_case():
    bank = BankFactory(name="EXAMPLE BANK")

    summary = catalog_import(source=catalog_source(), create_bank=True)

    assert summary.bank == bank
    assert summary.bank_created is False
    assert Bank.objects.count() == 1
    assert Product.objects.get().bank == bank


def test_import_without_create_bank_refuses_a_bank_that_does_not_exist(imported_bank):
    error = import_refused(catalog_source(bank="Unknown Bank"), create_bank=False)

    assert error.as_data() == {"bank": ["No bank called 'Unknown Bank'."]}


def test_import_without_create_bank_finds_bank_by_name(imported_bank):
    summary = catalog_import(source=catalog_source(bank="example bank"), create_bank=False)

    assert summary.bank == imported_bank


def test_import_into_given_bank_matches_file_bank_regardless_of_case():
    bank = BankFactory(name=BANK)

    summary = catalog_import(source=catalog_source(bank="EXAMPLE bank"), bank=bank)

    assert summary.products_created == 1
    assert Product.objects.get().bank == bank


def test_import_into_given_bank_refuses_file_of_another_bank(imported_bank):
    other = BankFactory(name="Other Bank")

    error = import_refused(catalog_source(), bank=other)

    assert list(error.as_data()) == ["bank"]
    assert error.status_code == 400
    assert not other.products.exists()


def test_reimport_updates_only_products_that_changed():
    catalog_import(
        source=catalog_source(products=[product_item(), product_item(id="gold", name="Gold")]),
        create_bank=True,
    )
    gold_before = Product.objects.get(external_id="gold")

    summary = catalog_import(
        source=catalog_source(
            products=[product_item(percent_user=2.25), product_item(id="gold", name="Gold")]
        ),
        create_bank=True,
    )

    assert summary.as_dict()["products"] == {"created": 0, "updated": 1, "deactivated": 0}
    assert Product.objects.get(external_id="cashback-card").percent_user == Decimal("2.25")
    gold_after = Product.objects.get(external_id="gold")
    assert gold_after.updated_at == gold_before.updated_at
    assert Product.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ({"name": "Renamed card"}, lambda p: p.name == "Renamed card"),
        ({"description": "Now 6%"}, lambda p: p.description == "Now 6%"),
        ({"category": "loans"}, lambda p: p.category.name == "Loans"),
        ({"percent_user": 0}, lambda p: p.percent_user == Decimal("0.00")),
        ({"percent_bank": 100}, lambda p: p.percent_bank == Decimal("100.00")),
        ({"active": False}, lambda p: p.is_active is False),
    ],
    ids=["name", "description", "category", "percent_user", "percent_bank", "active"],
)
def test_reimport_counts_a_change_of_any_field_as_update(change, check: Callable):
    categories = [{"id": "cards", "name": "Credit cards"}, {"id": "loans", "name": "Loans"}]
    catalog_import(source=catalog_source(categories=categories), create_bank=True)
    before = Product.objects.get()

    summary = catalog_import(
        source=catalog_source(categories=categories, products=[product_item(**change)]),
        create_bank=True,
    )

    assert summary.as_dict()["products"] == {"created": 0, "updated": 1, "deactivated": 0}
    after = Product.objects.get()
    assert after.pk == before.pk
    assert check(after)
    assert after.updated_at > before.updated_at


def test_products_missing_from_file_are_deactivated_never_deleted(imported_bank):
    already_inactive = ProductFactory(bank=imported_bank, external_id="old", is_active=False)
    other_bank_product = ProductFactory(external_id="elsewhere")

    summary = catalog_import(
        source=catalog_source(products=[product_item(id="new-card", name="New card")]),
        create_bank=True,
    )

    # cashback-card and the hand-made product; the already inactive one does not count again.
    assert summary.as_dict()["products"] == {"created": 1, "updated": 0, "deactivated": 2}
    assert Product.objects.filter(bank=imported_bank).count() == 4
    assert set(Product.objects.filter(bank=imported_bank, is_active=True)) == {
        Product.objects.get(external_id="new-card")
    }
    already_inactive.refresh_from_db()
    other_bank_product.refresh_from_db()
    assert already_inactive.is_active is False
    assert other_bank_product.is_active is True


def test_reimport_reactivates_a_product_back_in_the_file():
    catalog_import(source=catalog_source(products=[]), create_bank=True)
    ProductFactory(bank=Bank.objects.get(), external_id="cashback-card", is_active=False)

    summary = catalog_import(source=catalog_source(), create_bank=True)

    assert summary.as_dict()["products"] == {"created": 0, "updated": 1, "deactivated": 0}
    assert Product.objects.get().is_active is True


def test_product_marked_inactive_in_file_is_created_inactive():
    summary = catalog_import(
        source=catalog_source(products=[product_item(active=False)]), create_bank=True
    )

    assert summary.products_created == 1
    assert Product.objects.get().is_active is False


def test_reimporting_the_same_file_changes_nothing():
    source = catalog_source(
        products=[product_item(), product_item(id=2, name="Second", percent_user=0.1)]
    )
    catalog_import(source=source, create_bank=True)
    before = db_snapshot()

    summary = catalog_import(source=source, create_bank=True)

    assert summary.as_dict() == {
        "categories": {"created": 0, "updated": 0},
        "products": {"created": 0, "updated": 0, "deactivated": 0},
    }
    assert db_snapshot() == before


def test_unknown_keys_are_ignored():
    data = catalog_data(products=[product_item(colour="gold")])
    data["version"] = 3

    summary = catalog_import(source=yaml.safe_dump(data), create_bank=True)

    assert summary.products_created == 1


def test_utf8_text_and_byte_order_mark_are_accepted():
    source = catalog_source(
        bank="Сбер Банк",
        categories=[{"id": "карты", "name": "Кредитные карты"}],
        products=[product_item(id="кэшбэк", name="Карта «Кэшбэк»", category="карты")],
    )

    summary = catalog_import(source="\ufeff".encode() + source.encode(), create_bank=True)

    assert summary.products_created == 1
    assert Product.objects.get().name == "Карта «Кэшбэк»"


# --- Categories -------------------------------------------------------------------------------


def test_categories_are_shared_between_banks_and_matched_by_name_regardless_of_case():
    first = catalog_import(source=catalog_source(bank="Bank A"), create_bank=True)
    second = catalog_import(
        source=catalog_source(
            bank="Bank B",
            categories=[{"id": 1, "name": "CREDIT CARDS"}],
            products=[product_item(category=1)],
        ),
        create_bank=True,
    )

    assert first.categories_created == 1
    assert second.as_dict()["categories"] == {"created": 0, "updated": 0}
    category = Category.objects.get()
    assert category.name == "Credit cards"  # one bank's file never renames a shared category
    assert set(Product.objects.values_list("category", flat=True)) == {category.pk}
    assert Product.objects.count() == 2


def test_inactive_category_named_in_file_is_reactivated_and_counted_as_updated():
    category = CategoryFactory(name="credit cards", is_active=False)

    summary = catalog_import(source=catalog_source(), create_bank=True)

    assert summary.as_dict()["categories"] == {"created": 0, "updated": 1}
    category.refresh_from_db()
    assert category.is_active is True
    assert Product.objects.get().category == category


def test_two_file_categories_with_one_name_make_one_category():
    summary = catalog_import(
        source=catalog_source(
            categories=[{"id": "a", "name": "Cards"}, {"id": "b", "name": "cards"}],
            products=[product_item(id=1, category="a"), product_item(id=2, category="b")],
        ),
        create_bank=True,
    )

    assert summary.categories_created == 1
    assert Category.objects.count() == 1


def test_category_ids_are_compared_as_text():
    summary = catalog_import(
        source=catalog_source(
            categories=[{"id": 1, "name": "Cards"}], products=[product_item(category="1")]
        ),
        create_bank=True,
    )

    assert summary.products_created == 1


# --- Validation: all or nothing, errors name item and field --------------------------------------


@pytest.mark.parametrize(
    "document",
    ["- bank: Example Bank\n", "just text\n", "42\n", "", "# only a comment\n", "null\n"],
    ids=["list", "string", "number", "empty", "comment", "null"],
)
def test_file_that_is_not_a_mapping_is_refused(imported_bank, document):
    error = import_refused(document)

    assert error.as_data() == {
        "file": ["The file must be a mapping with bank, categories and products."]
    }


def _without(data: dict, key: str) -> dict:
    del data[key]
    return data


def _set(path: tuple, value: object) -> Callable[[dict], dict]:
    def change(data: dict) -> dict:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        return data

    return change


def _drop_product_field(field: str) -> Callable[[dict], dict]:
    def change(data: dict) -> dict:
        del data["products"][0][field]
        return data

    return change


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (lambda d: _without(d, "bank"), "bank", "This field is required."),
        (_set(("bank",), "  "), "bank", "This field may not be blank."),
        (_set(("bank",), None), "bank", "This field may not be blank."),
        (_set(("bank",), 12), "bank", "Must be a string."),
        (lambda d: _without(d, "categories"), "categories", "This field is required."),
        (_set(("categories",), "cards"), "categories", "Must be a list."),
        (_set(("categories", 0), "cards"), "categories[0]", "Must be a mapping with id and name."),
        (_set(("categories", 0, "name"), ""), "categories[0].name", "This field may not be blank."),
        (
            _set(("categories", 0, "name"), "x" * 201),
            "categories[0].name",
            "Ensure this field has no more than 200 characters.",
        ),
        (_set(("categories", 0, "id"), None), "categories[0].id", "This field may not be blank."),
        (lambda d: _without(d, "products"), "products", "This field is required."),
        (_set(("products",), None), "products", "Must be a list."),
        (_set(("products", 0), ["x"]), "products[0]", "Must be a mapping."),
        (_drop_product_field("id"), "products[0].id", "This field is required."),
        (_set(("products", 0, "id"), 1.5), "products[0].id", "Must be a string or an integer."),
        (_set(("products", 0, "id"), True), "products[0].id", "Must be a string or an integer."),
        (
            _set(("products", 0, "id"), "x" * 101),
            "products[0].id",
            "Ensure this field has no more than 100 characters.",
        ),
        (_drop_product_field("name"), "products[0].name", "This field is required."),
        (_set(("products", 0, "name"), " "), "products[0].name", "This field may not be blank."),
        (
            _set(("products", 0, "name"), "x" * 201),
            "products[0].name",
            "Ensure this field has no more than 200 characters.",
        ),
        (_drop_product_field("category"), "products[0].category", "This field is required."),
        (
            _drop_product_field("percent_user"),
            "products[0].percent_user",
            "This field is required.",
        ),
        (
            _drop_product_field("percent_bank"),
            "products[0].percent_bank",
            "This field is required.",
        ),
        (_set(("products", 0, "description"), 5), "products[0].description", "Must be a string."),
        (_set(("products", 0, "active"), "yes"), "products[0].active", "Must be true or false."),
        (_set(("products", 0, "active"), None), "products[0].active", "Must be true or false."),
    ],
    ids=[
        "bank-missing",
        "bank-blank",
        "bank-null",
        "bank-number",
        "categories-missing",
        "categories-not-list",
        "category-not-mapping",
        "category-name-blank",
        "category-name-too-long",
        "category-id-null",
        "products-missing",
        "products-null",
        "product-not-mapping",
        "product-id-missing",
        "product-id-float",
        "product-id-bool",
        "product-id-too-long",
        "product-name-missing",
        "product-name-blank",
        "product-name-too-long",
        "product-category-missing",
        "percent-user-missing",
        "percent-bank-missing",
        "description-not-string",
        "active-not-bool",
        "active-null",
    ],
)
def test_missing_blank_or_mistyped_field_is_refused_by_item_and_field(
    imported_bank, change, key, message
):
    error = import_refused(yaml.safe_dump(change(catalog_data())))

    assert message in error.as_data()[key]


@pytest.mark.parametrize(
    "value",
    [
        101,
        -1,
        100.01,
        1.005,
        0.001,
        1e-05,
        "1.5",
        "2",
        True,
        False,
        None,
        [1],
        float("nan"),
        float("inf"),
    ],
    ids=[
        "above-100",
        "negative",
        "just-above-100",
        "three-decimals",
        "tiny",
        "exponent",
        "decimal-string",
        "int-string",
        "true",
        "false",
        "null",
        "list",
        "nan",
        "infinity",
    ],
)
@pytest.mark.parametrize("field", ["percent_user", "percent_bank"])
def test_percent_must_be_a_yaml_number_from_0_to_100_with_two_decimals(imported_bank, field, value):
    error = import_refused(bad_file(**{field: value}))

    assert error.as_data() == {f"products[0].{field}": [PERCENT_ERROR]}


@pytest.mark.parametrize(
    ("written", "stored"),
    [("0", "0.00"), ("100", "100.00"), ("99.99", "99.99"), ("0.5", "0.50"), ("1.10", "1.10")],
)
def test_percent_boundaries_and_two_decimals_are_accepted(written, stored):
    source = catalog_source().replace("percent_user: 1.5", f"percent_user: {written}")

    catalog_import(source=source, create_bank=True)

    assert Product.objects.get().percent_user == Decimal(stored)


def test_product_referring_to_a_category_not_in_the_file_is_refused(imported_bank):
    # "cards" exists in the database, but a file must declare the categories it uses.
    error = import_refused(bad_file(category="cards"))

    assert error.as_data() == {
        "products[0].category": ["Unknown category 'cards': not among this file's categories."]
    }


@pytest.mark.parametrize("second_id", ["card", " card "], ids=["same", "same-after-trim"])
def test_duplicate_product_id_in_file_is_refused(imported_bank, second_id):
    error = import_refused(
        catalog_source(products=[product_item(id="card"), product_item(id=second_id, name="B")])
    )

    assert error.as_data() == {
        "products[1].id": ["Duplicate product id 'card' (also products[0])."]
    }


def test_product_ids_one_and_quoted_one_are_the_same_id(imported_bank):
    error = import_refused(
        catalog_source(products=[product_item(id=1), product_item(id="1", name="B")])
    )

    assert list(error.as_data()) == ["products[1].id"]


def test_duplicate_category_id_in_file_is_refused(imported_bank):
    error = import_refused(
        catalog_source(categories=[{"id": "cards", "name": "A"}, {"id": "cards", "name": "B"}])
    )

    assert error.as_data() == {
        "categories[1].id": ["Duplicate category id 'cards' (also categories[0])."]
    }


def test_all_errors_are_collected_naming_item_and_field(imported_bank):
    source = catalog_source(
        categories=[{"id": "cards", "name": ""}, {"id": "loans", "name": "Loans"}],
        products=[
            product_item(id=1),
            product_item(id=2, category="loans"),
            product_item(id=3, percent_user="7"),
        ],
    )

    error = import_refused(source)

    assert error.as_data() == {
        "categories[0].name": ["This field may not be blank."],
        "products[2].percent_user": [PERCENT_ERROR],
    }


def test_error_list_is_capped(imported_bank):
    products = [product_item(id=n, percent_user=200) for n in range(100)]

    errors = import_refused(catalog_source(products=products)).as_data()

    assert len(errors) == validation.MAX_CATALOG_ERRORS + 1
    assert errors["products[0].percent_user"] == [PERCENT_ERROR]
    assert "products[99].percent_user" not in errors
    assert errors["file"] == ["Only the first 50 errors are listed."]


def test_import_error_renders_as_drf_validation_shape():
    with pytest.raises(CatalogImportError) as info:
        catalog_import(source=bad_file(percent_user=150), create_bank=True)

    response = exception_handler(info.value, {})

    assert response.status_code == 400
    assert response.data == {"products[0].percent_user": [PERCENT_ERROR]}


# --- Limits and hostile files ---------------------------------------------------------------------


def test_more_products_than_the_limit_are_refused(imported_bank, monkeypatch):
    monkeypatch.setattr(validation, "MAX_CATALOG_PRODUCTS", 3)
    products = [product_item(id=n, name=f"P{n}") for n in range(4)]

    error = import_refused(catalog_source(products=products))

    assert error.status_code == 400
    assert error.as_data() == {"products": ["At most 3 products per file, got 4."]}


def test_exactly_the_limit_of_products_is_accepted(monkeypatch):
    monkeypatch.setattr(validation, "MAX_CATALOG_PRODUCTS", 3)
    products = [product_item(id=n, name=f"P{n}") for n in range(3)]

    assert (
        catalog_import(source=catalog_source(products=products), create_bank=True).products_created
        == 3
    )


def test_product_limit_is_five_thousand_and_size_limit_one_mebibyte():
    assert validation.MAX_CATALOG_PRODUCTS == 5000
    assert MAX_CATALOG_BYTES == 1024 * 1024


def test_file_over_one_mebibyte_is_refused_with_413_before_parsing(imported_bank):
    source = catalog_source().encode()
    source += b"#" * (MAX_CATALOG_BYTES + 1 - len(source))

    error = import_refused(source)

    assert isinstance(error, CatalogTooLarge)
    assert error.status_code == 413
    assert list(error.as_data()) == ["file"]


def test_size_limit_counts_bytes_not_characters(imported_bank):
    # Fewer than 1 MiB characters, but two bytes each in UTF-8.
    source = catalog_source() + "#" + "é" * (MAX_CATALOG_BYTES // 2)

    assert len(source) < MAX_CATALOG_BYTES
    assert isinstance(import_refused(source), CatalogTooLarge)


def test_file_of_exactly_one_mebibyte_is_accepted():
    source = catalog_source().encode() + b"#"
    source += b"x" * (MAX_CATALOG_BYTES - len(source))

    assert len(source) == MAX_CATALOG_BYTES
    assert catalog_import(source=source, create_bank=True).products_created == 1


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system ['echo owned > /tmp/catalog-owned']",
        "!!python/object/new:os.system ['echo owned']",
        "!!python/name:os.system",
        "!!python/object:builtins.object {}",
        "!custom thing",
    ],
    ids=["apply", "new", "name", "object", "local-tag"],
)
def test_yaml_tags_that_build_objects_are_refused_and_never_run(imported_bank, monkeypatch, tagged):
    calls = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    source = catalog_source().replace("Cashback card", "placeholder", 1)
    source = source.replace("name: placeholder", f"name: {tagged}")

    error = import_refused(source)

    assert calls == []
    [message] = error.as_data()["file"]
    assert message.startswith("Invalid YAML: could not determine a constructor for the tag")
    assert len(message) < 250


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
bank: Example Bank
categories: []
products: *i
"""


def test_alias_bomb_is_refused_before_anything_is_built(imported_bank):
    error = import_refused(BILLION_LAUGHS)

    assert error.as_data() == {
        "file": ["Invalid YAML: aliases are not allowed (line 2, column 8)."]
    }


@pytest.mark.parametrize("loader", LOADERS)
def test_every_loader_refuses_aliases_even_harmless_ones(loader):
    with pytest.raises(CatalogImportError) as bomb:
        catalog_yaml_load(raw=BILLION_LAUGHS.encode(), loader=loader)
    with pytest.raises(CatalogImportError) as merge:
        catalog_yaml_load(raw=b"base: &base {a: 1}\nitem:\n  <<: *base\n", loader=loader)

    assert "aliases are not allowed" in bomb.value.as_data()["file"][0]
    assert "aliases are not allowed" in merge.value.as_data()["file"][0]


@pytest.mark.parametrize("loader", LOADERS)
def test_every_loader_reads_plain_data_alike(loader):
    source = catalog_source(products=[product_item(id=n, name=f"P{n}") for n in range(20)])

    assert catalog_yaml_load(raw=source.encode(), loader=loader) == yaml.safe_load(source)


@pytest.mark.parametrize("loader", LOADERS)
def test_deep_nesting_is_refused_not_a_recursion_crash(loader):
    with pytest.raises(CatalogImportError) as info:
        catalog_yaml_load(raw=b"[" * 100_000, loader=loader)

    assert "nested deeper than" in info.value.as_data()["file"][0]


def test_key_written_twice_is_refused(imported_bank):
    source = catalog_source() + "products: []\n"

    error = import_refused(source)

    assert "duplicate key 'products'" in error.as_data()["file"][0]


@pytest.mark.parametrize(
    "source",
    [
        "bank: Example Bank\ncategories: [\n",
        "bank: 'unterminated\n",
        "bank: a\n---\nbank: b\n",
        "bank: a\x00\n",
        "bank: Example Bank\nid: " + "9" * 5000 + "\n",
        "bank: Example Bank\nwhen: 2024-13-45\n",
    ],
    ids=["unclosed", "quote", "two-documents", "control-char", "huge-int", "bad-date"],
)
def test_malformed_yaml_is_a_short_400_on_file(imported_bank, source):
    error = import_refused(source)

    [message] = error.as_data()["file"]
    assert message.startswith("Invalid YAML: ")
    assert len(message) < 250


def test_non_utf8_bytes_are_refused(imported_bank):
    error = import_refused(catalog_source(bank="Bänk").encode("latin-1"))

    assert error.as_data() == {"file": ["The file must be UTF-8 text."]}


def test_text_with_lone_surrogate_is_refused(imported_bank):
    error = import_refused(catalog_source() + "# \udc80\n")

    assert error.as_data() == {"file": ["The file must be UTF-8 text."]}


# --- Cost and concurrency ------------------------------------------------------------------------


def test_import_takes_few_queries_however_many_products(django_assert_max_num_queries):
    products = [product_item(id=n, name=f"P{n}") for n in range(1000)]
    with django_assert_max_num_queries(30):
        catalog_import(source=catalog_source(products=products), create_bank=True)

    changed = [product_item(id=n, name=f"P{n}", percent_user=2) for n in range(500)]
    with django_assert_max_num_queries(30):
        summary = catalog_import(source=catalog_source(products=changed), create_bank=True)

    assert summary.as_dict()["products"] == {"created": 0, "updated": 500, "deactivated": 500}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("banks_exist", [True, False], ids=["existing-banks", "new-banks"])
def test_concurrent_imports_serialize_without_duplicates_or_errors(banks_exist):
    """Two imports per bank, two banks sharing new categories, all at once.

    With existing banks the bank row lock is what keeps the second import of a bank from
    inserting the same products; with new banks the bank's unique name does it first.
    """
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL")
    if banks_exist:
        BankFactory(name="Race Bank A")
        BankFactory(name="Race Bank B")
    categories = [{"id": n, "name": f"Race category {n}"} for n in range(5)]
    sources = [
        catalog_source(
            bank=bank,
            categories=categories,
            products=[product_item(id=n, name=f"P{n}", category=n % 5) for n in range(50)],
        )
        for bank in ("Race Bank A", "Race Bank B")
    ]
    barrier = threading.Barrier(4)
    summaries, failures = [], []

    def run(source: str) -> None:
        try:
            barrier.wait()
            summaries.append(catalog_import(source=source, create_bank=True))
        except Exception as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(source,)) for source in sources * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert Bank.objects.count() == 2
    assert Category.objects.count() == 5
    for bank in Bank.objects.all():
        assert bank.products.count() == 50
    assert sorted(s.products_created for s in summaries) == [0, 0, 50, 50]
