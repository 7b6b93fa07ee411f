"""Writing a valid catalogue: one bank's categories and products, all or nothing.

`catalog_import` is the one import the `import_catalog` command, the bank API and the admin
run. It reads and validates the file first (`loader`, `validation`: no table touched, so a bad
file changes nothing), then writes in one transaction with the bank's row locked, so two
imports of one bank queue instead of interleaving.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.errors import CatalogImportError
from catalog.importing.loader import catalog_yaml_load
from catalog.importing.validation import catalog_validate
from catalog.models import Bank, Category, Product
from catalog.services import bank_get_or_create
from core.errors import ConflictError
from core.models import EventAudience
from core.outbox import NewEvent, event_record

_PRODUCT_UPDATE_FIELDS = [
    "name",
    "description",
    "category",
    "percent_user",
    "percent_bank",
    "is_active",
    "updated_at",
]
_DEACTIVATE_CHUNK = 1000


@dataclass(frozen=True)
class ImportSummary:
    """What an import changed; `as_dict()` is the API's and the command's answer."""

    bank: Bank
    bank_created: bool = False
    categories_created: int = 0
    categories_updated: int = 0
    products_created: int = 0
    products_updated: int = 0
    products_deactivated: int = 0

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            "categories": {
                "created": self.categories_created,
                "updated": self.categories_updated,
            },
            "products": {
                "created": self.products_created,
                "updated": self.products_updated,
                "deactivated": self.products_deactivated,
            },
        }


def _catalog_bank(*, name: str, create: bool) -> tuple[Bank, bool]:
    """The bank the file names; only the command may create one (the API knows its bank)."""
    if not create:
        bank = Bank.objects.named(name).first()
        if bank is None:
            raise CatalogImportError({"bank": [f"No bank called {name!r}."]})
        return bank, False
    try:
        with transaction.atomic():
            return bank_get_or_create(name=name)
    except IntegrityError:
        # A concurrent import created the same bank a moment ago: its row is the one to use.
        return Bank.objects.named(name).get(), False


def _categories_by_name() -> dict[str, Category]:
    """All categories by case-folded name, oldest first on a tie.

    Matched in Python, not with SQL `lower()`: SQLite lowers ASCII only, and categories are a
    short shared list, so one read of the table is cheap and agrees on every database.
    """
    by_name: dict[str, Category] = {}
    for category in Category.objects.order_by("pk"):
        by_name.setdefault(category.name.casefold(), category)
    return by_name


def _categories_import(names: Iterable[str]) -> tuple[dict[str, Category], int, int]:
    """Category by case-folded name, plus how many were created and reactivated.

    Categories are shared by all banks, so a bank's file never renames one; it only adds the
    missing and reactivates those it names again. `ignore_conflicts` lets two banks importing
    the same new category at once both succeed (the database's case-insensitive unique
    constraint keeps one row); the count may then say created for both.
    """
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(name.casefold(), name)
    by_name = _categories_by_name()
    # Sorted, so that imports inserting several of the same new names lock them in one order.
    missing = [Category(name=wanted[key]) for key in sorted(wanted) if key not in by_name]
    if missing:
        Category.objects.bulk_create(missing, ignore_conflicts=True)
        by_name = _categories_by_name()
        if any(key not in by_name for key in wanted):
            raise ConflictError("The categories changed during the import; try again.")
    inactive = [by_name[key].pk for key in wanted if not by_name[key].is_active]
    if inactive:
        Category.objects.filter(pk__in=inactive).update(is_active=True)
    return {key: by_name[key] for key in wanted}, len(missing), len(inactive)


def catalog_import(
    *, source: bytes | str, bank: Bank | None = None, create_bank: bool = False
) -> ImportSummary:
    """Import one bank's full catalogue from YAML, all or nothing.

    `bank` given (the bank API, the admin): the file's `bank:` must name it, regardless of case.
    Without it the file's `bank:` picks the bank, created when `create_bank` (the command).
    Products are matched by the bank's own id, so a re-import updates instead of duplicating;
    the bank's active products missing from the file are deactivated, never deleted, because
    applications point at them. Raises CatalogImportError (400) or CatalogTooLarge (413).
    """
    raw = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    catalogue = catalog_validate(catalog_yaml_load(raw=raw), bank=bank)
    bank_created = False
    with transaction.atomic():
        if bank is None:
            bank, bank_created = _catalog_bank(name=catalogue.bank_name, create=create_bank)
        # Two imports of one bank queue here, so the second sees the first's products.
        bank = Bank.objects.select_for_update().get(pk=bank.pk)
        categories_by_name, categories_created, categories_updated = _categories_import(
            catalogue.categories.values()
        )
        category_by_file_id = {
            file_id: categories_by_name[name.casefold()]
            for file_id, name in catalogue.categories.items()
        }

        now = timezone.now()
        products = list(Product.objects.filter(bank=bank))
        by_external_id = {p.external_id: p for p in products if p.external_id is not None}
        to_create: list[Product] = []
        to_update: list[Product] = []
        for row in catalogue.products:
            values = {
                "name": row.name,
                "description": row.description,
                "category_id": category_by_file_id[row.category_id].pk,
                "percent_user": row.percent_user,
                "percent_bank": row.percent_bank,
                "is_active": row.is_active,
            }
            product = by_external_id.get(row.external_id)
            if product is None:
                to_create.append(Product(bank=bank, external_id=row.external_id, **values))
                continue
            changed = {f: v for f, v in values.items() if getattr(product, f) != v}
            if changed:
                for field, value in changed.items():
                    setattr(product, field, value)
                product.updated_at = now
                to_update.append(product)

        in_file = {row.external_id for row in catalogue.products}
        to_deactivate = [p.pk for p in products if p.is_active and p.external_id not in in_file]

        Product.objects.bulk_create(to_create, batch_size=1000)
        Product.objects.bulk_update(to_update, _PRODUCT_UPDATE_FIELDS, batch_size=500)
        for start in range(0, len(to_deactivate), _DEACTIVATE_CHUNK):
            chunk = to_deactivate[start : start + _DEACTIVATE_CHUNK]
            Product.objects.filter(pk__in=chunk).update(is_active=False, updated_at=now)

        summary = ImportSummary(
            bank=bank,
            bank_created=bank_created,
            categories_created=categories_created,
            categories_updated=categories_updated,
            products_created=len(to_create),
            products_updated=len(to_update),
            products_deactivated=len(to_deactivate),
        )
        event_record(
            NewEvent(
                type="catalog.imported",
                audience=EventAudience.BANK,
                owner_id=bank.pk,
                data={"bank": {"id": bank.pk, "name": bank.name}, **summary.as_dict()},
            )
        )
    return summary
