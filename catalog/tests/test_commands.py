"""The management commands: `import_catalog PATH` and `issue_bank_token NAME`."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.importing import MAX_CATALOG_BYTES
from catalog.models import Bank, Product, hash_bank_token
from catalog.selectors import bank_by_token
from catalog.tests.factories import BankFactory
from catalog.tests.helpers import catalog_source, db_snapshot, product_item

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> tuple[str, str]:
    """stdout and stderr of a management command."""
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, content: str | bytes) -> str:
    path = tmp_path / "catalog.yaml"
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return str(path)


# --- import_catalog -------------------------------------------------------------------------------


def test_import_catalog_creates_the_bank_and_prints_the_summary_as_json(tmp_path):
    out, err = run("import_catalog", write(tmp_path, catalog_source()))

    assert json.loads(out) == {
        "categories": {"created": 1, "updated": 0},
        "products": {"created": 1, "updated": 0, "deactivated": 0},
    }
    assert out.count("\n") == 1
    assert "Created bank 'Example Bank'" in err
    bank = Bank.objects.get()
    assert bank.name == "Example Bank"
    assert Product.objects.get().bank == bank


def test_import_catalog_twice_reports_nothing_changed_and_reuses_the_bank(tmp_path):
    BankFactory(name="example bank")
    path = write(tmp_path, catalog_source())
    run("import_catalog", path)

    out, err = run("import_catalog", path)

    assert json.loads(out) == {
        "categories": {"created": 0, "updated": 0},
        "products": {"created": 0, "updated": 0, "deactivated": 0},
    }
    assert err == ""
    assert Bank.objects.count() == 1
    assert Product.objects.count() == 1


def test_import_catalog_bad_file_fails_naming_item_and_field_and_changes_nothing(tmp_path):
    run("import_catalog", write(tmp_path, catalog_source()))
    before = db_snapshot()
    bad = catalog_source(products=[product_item(id="other", percent_user="1.5")])

    with pytest.raises(CommandError) as info:
        run("import_catalog", write(tmp_path, bad))

    assert "products[0].percent_user: Must be a number from 0 to 100" in str(info.value)
    assert db_snapshot() == before


def test_import_catalog_bad_file_for_a_new_bank_creates_no_bank(tmp_path):
    bad = catalog_source(bank="New Bank", products=[product_item(percent_bank=101)])

    with pytest.raises(CommandError):
        run("import_catalog", write(tmp_path, bad))

    assert not Bank.objects.exists()


def test_import_catalog_missing_file_fails(tmp_path):
    with pytest.raises(CommandError) as info:
        run("import_catalog", str(tmp_path / "nowhere.yaml"))

    assert "Cannot read" in str(info.value)
    assert not Bank.objects.exists()


def test_import_catalog_file_over_one_mebibyte_fails_without_reading_it_all(tmp_path):
    path = write(tmp_path, catalog_source() + "#" * (2 * MAX_CATALOG_BYTES))

    with pytest.raises(CommandError) as info:
        run("import_catalog", path)

    assert "larger than" in str(info.value)
    assert not Bank.objects.exists()


# --- issue_bank_token -----------------------------------------------------------------------------


def test_issue_bank_token_creates_the_bank_and_prints_only_the_token():
    out, err = run("issue_bank_token", "New Bank")

    token = out.removesuffix("\n")
    assert out == token + "\n"
    assert token and token.isprintable() and " " not in token
    assert len(token) >= 40
    assert "Created bank 'New Bank'" in err
    assert Bank.objects.get().name == "New Bank"


def test_issued_token_authenticates_the_bank():
    bank = BankFactory(name="Example Bank")

    out, err = run("issue_bank_token", "EXAMPLE BANK")

    assert bank_by_token(out.strip()) == bank
    assert err == ""
    assert Bank.objects.count() == 1


def test_second_token_replaces_the_first():
    first, _ = run("issue_bank_token", "Example Bank")
    second, _ = run("issue_bank_token", "Example Bank")

    assert first != second
    assert bank_by_token(first.strip()) is None
    assert bank_by_token(second.strip()) == Bank.objects.get()


def test_only_the_token_hash_is_stored():
    out, _ = run("issue_bank_token", "Example Bank")
    token = out.strip()

    row = Bank.objects.values().get()

    assert row["token_hash"] == hash_bank_token(token)
    assert all(token not in str(value) for value in row.values())
    assert row["token_issued_at"] is not None


def test_token_of_an_inactive_bank_comes_with_a_warning_and_does_not_authenticate():
    BankFactory(name="Sleeping Bank", is_active=False)

    out, err = run("issue_bank_token", "Sleeping Bank")

    assert "inactive" in err
    assert bank_by_token(out.strip()) is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_issue_bank_token_refuses_blank_or_overlong_name(name):
    with pytest.raises(CommandError):
        run("issue_bank_token", name)

    assert not Bank.objects.exists()
