"""Writes to the catalogue: bank tokens and catalogue imports."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from yaml.composer import Composer, ComposerError
from yaml.constructor import SafeConstructor
from yaml.error import MarkedYAMLError
from yaml.events import AliasEvent
from yaml.nodes import ScalarNode
from yaml.reader import ReaderError
from yaml.resolver import Resolver

from catalog.models import Bank, Category, Product, hash_bank_token
from core.errors import ApplicationError, ConflictError

try:
    from yaml.cyaml import CParser as _LibyamlParser
except ImportError:  # PyYAML built without libyaml: the pure-Python parser does the same job
    _LibyamlParser = None


@transaction.atomic
def bank_issue_token(*, bank: Bank) -> str:
    """Give `bank` a new random token and return it; the old one stops working at once.

    Only the token's hash is stored, so this is the one moment the token can be shown.
    """
    token = secrets.token_urlsafe(32)
    bank.token_hash = hash_bank_token(token)
    bank.token_issued_at = timezone.now()
    bank.save(update_fields=["token_hash", "token_issued_at"])
    return token


def bank_get_or_create(*, name: str) -> tuple[Bank, bool]:
    """The bank called `name` regardless of case, created (active) when missing."""
    name = name.strip()
    bank = Bank.objects.filter(name__iexact=name).first()
    if bank is not None:
        return bank, False
    return Bank.objects.create(name=name), True


# --- Catalogue import --------------------------------------------------------------------------
#
# One bank's full price list as YAML (SPEC §5), imported all or nothing by the command, the bank
# API and the admin. Parsing and validation touch no table, so a bad file changes nothing; the
# writes then run in one transaction with the bank's row locked.

MAX_CATALOG_BYTES = 1024 * 1024
MAX_CATALOG_PRODUCTS = 5000
# A broken 5,000-line file should answer with a readable list, not 30,000 messages.
MAX_CATALOG_ERRORS = 50
# A catalogue is four levels deep (file, list, item, value); the cap keeps a file of nested
# brackets from exhausting Python's recursion limit in the (recursive) composer.
MAX_CATALOG_YAML_DEPTH = 10

BANK_NAME_MAX_LENGTH = Bank._meta.get_field("name").max_length
CATEGORY_NAME_MAX_LENGTH = Category._meta.get_field("name").max_length
PRODUCT_NAME_MAX_LENGTH = Product._meta.get_field("name").max_length
EXTERNAL_ID_MAX_LENGTH = Product._meta.get_field("external_id").max_length

PERCENT_ERROR = "Must be a number from 0 to 100 with at most two decimals."
REQUIRED_ERROR = "This field is required."
NUL_ERROR = "Must not contain a NUL character."
BLANK_ERROR = "This field may not be blank."

_CENT = Decimal("0.01")
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


class CatalogImportError(ApplicationError):
    """A catalogue file that cannot be imported; nothing was written.

    `errors` names the item and field of each problem in DRF's validation shape
    (`{"products[2].percent_user": ["..."]}`), so the bank can fix every line in one go.
    """

    default_detail = "The catalogue cannot be imported."

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(self.default_detail)
        self.errors = errors

    def as_data(self) -> dict:
        return {key: list(messages) for key, messages in self.errors.items()}


class CatalogTooLarge(CatalogImportError):
    """Over 1 MiB: refused before parsing, so a huge body costs no parser time."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE

    def __init__(self) -> None:
        super().__init__({"file": [f"The file is larger than {MAX_CATALOG_BYTES} bytes (1 MiB)."]})


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


# --- Reading the YAML --------------------------------------------------------------------------


class _PlainDataComposer(Composer):
    """Composes the node tree but refuses every alias, deep nesting and duplicate keys.

    An alias repeats a node by reference: nine levels of ten aliases each (the "billion laughs")
    turn a few hundred bytes into a billion strings while they are built. A catalogue never needs
    one, so the first alias ends the parse before anything is constructed. Tags are left to
    SafeConstructor, which knows no `!!python/...` tag and so builds only plain data.
    """

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            raise ComposerError(None, None, "aliases are not allowed", self.peek_event().start_mark)
        if self._depth >= MAX_CATALOG_YAML_DEPTH:
            raise ComposerError(
                None,
                None,
                f"nested deeper than {MAX_CATALOG_YAML_DEPTH} levels",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_mapping_node(self, anchor):
        """Refuse a key written twice.

        YAML keeps the last one silently: a second `products:` pasted into a file would drop
        the first list and deactivate all of its products.
        """
        node = super().compose_mapping_node(anchor)
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode):
                continue
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise ComposerError(
                    "while composing a mapping",
                    node.start_mark,
                    f"found duplicate key {key_node.value[:40]!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return node


class PurePythonCatalogLoader(_PlainDataComposer, yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases: the fallback when libyaml is missing."""


CatalogLoader: type = PurePythonCatalogLoader
if _LibyamlParser is not None:

    class LibyamlCatalogLoader(_PlainDataComposer, _LibyamlParser, SafeConstructor, Resolver):
        """libyaml scans and parses, the alias-refusing composer above builds the tree.

        About five times faster than the pure-Python loader on a full 1 MiB file (1 s against
        5 s), while every node still passes through `compose_node`.
        """

        def __init__(self, stream: str) -> None:
            _LibyamlParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    CatalogLoader = LibyamlCatalogLoader


def _yaml_error_message(exc: yaml.YAMLError) -> str:
    """One short line: the problem and where it is, never a copy of the offending text."""
    where = ""
    if isinstance(exc, MarkedYAMLError):
        text = " ".join(part for part in (exc.context, exc.problem) if part) or "malformed"
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            where = f" (line {mark.line + 1}, column {mark.column + 1})"
    elif isinstance(exc, ReaderError):
        text = f"unacceptable character #x{exc.character:04x}"
        where = f" (position {exc.position})"
    else:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"Invalid YAML: {' '.join(text.split())[:160]}{where}."


def catalog_yaml_load(*, raw: bytes, loader: type = CatalogLoader) -> Any:
    """The plain data (dicts, lists, strings, numbers, booleans) of a catalogue file."""
    if len(raw) > MAX_CATALOG_BYTES:
        raise CatalogTooLarge()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogImportError({"file": ["The file must be UTF-8 text."]}) from None
    parser = None
    try:
        parser = loader(text)  # the pure-Python reader checks the characters right here
        return parser.get_single_data()
    except yaml.YAMLError as exc:
        raise CatalogImportError({"file": [_yaml_error_message(exc)]}) from None
    except ValueError:
        # An integer beyond Python's 4,300-digit limit or an impossible date such as 2024-13-45.
        raise CatalogImportError(
            {"file": ["Invalid YAML: a value cannot be read (number too long or bad date)."]}
        ) from None
    finally:
        if parser is not None:
            parser.dispose()


# --- Validating ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ProductRow:
    external_id: str
    name: str
    description: str
    category_id: str  # the category's id inside the file
    percent_user: Decimal
    percent_bank: Decimal
    is_active: bool


@dataclass(frozen=True)
class _Catalogue:
    bank_name: str
    categories: dict[str, str]  # id inside the file -> category name
    products: list[_ProductRow]


class _Errors:
    """Errors by `item.field`, capped at MAX_CATALOG_ERRORS keys."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[str]] = {}
        self.truncated = False

    def add(self, key: str, message: str) -> None:
        if key not in self.by_key and len(self.by_key) >= MAX_CATALOG_ERRORS:
            self.truncated = True
            return
        self.by_key.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if not self.by_key:
            return
        errors = dict(self.by_key)
        if self.truncated:
            errors.setdefault("file", []).append(
                f"Only the first {MAX_CATALOG_ERRORS} errors are listed."
            )
        raise CatalogImportError(errors)


def _key(where: str, field: str) -> str:
    return f"{where}.{field}" if where else field


def _without_nul(errors: _Errors, key: str, text: str) -> str | None:
    """YAML can spell a NUL byte (`"\\0"`); no database text column takes one."""
    if "\x00" in text:
        errors.add(key, NUL_ERROR)
        return None
    return text


def _text(errors: _Errors, item: dict, field: str, where: str, *, max_length: int) -> str | None:
    key = _key(where, field)
    if field not in item:
        errors.add(key, REQUIRED_ERROR)
        return None
    value = item[field]
    if value is not None and not isinstance(value, str):
        errors.add(key, "Must be a string.")
        return None
    text = (value or "").strip()
    if not text:
        errors.add(key, BLANK_ERROR)
        return None
    if len(text) > max_length:
        errors.add(key, f"Ensure this field has no more than {max_length} characters.")
        return None
    return _without_nul(errors, key, text)


def _identifier(
    errors: _Errors, item: dict, field: str, where: str, *, max_length: int | None = None
) -> str | None:
    """An id as text: `1` and `"1"` are the same id, as a person reading the file would think."""
    key = _key(where, field)
    if field not in item:
        errors.add(key, REQUIRED_ERROR)
        return None
    value = item[field]
    if value is None:
        errors.add(key, BLANK_ERROR)
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        errors.add(key, "Must be a string or an integer.")
        return None
    text = str(value).strip()
    if not text:
        errors.add(key, BLANK_ERROR)
        return None
    if max_length is not None and len(text) > max_length:
        errors.add(key, f"Ensure this field has no more than {max_length} characters.")
        return None
    return _without_nul(errors, key, text)


def _percent(errors: _Errors, item: dict, field: str, where: str) -> Decimal | None:
    """A YAML number only: a quoted "1.5" is refused so that a typo cannot pass as a rate.

    `Decimal(str(value))` keeps what the bank wrote (1.1, not 1.100000000000000088...), so
    "at most two decimals" is judged on the written number.
    """
    key = _key(where, field)
    if field not in item:
        errors.add(key, REQUIRED_ERROR)
        return None
    value = item[field]
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.add(key, PERCENT_ERROR)
        return None
    amount = Decimal(str(value))
    exponent = amount.as_tuple().exponent
    if (
        not amount.is_finite()
        or not isinstance(exponent, int)
        or exponent < -2
        or not 0 <= amount <= 100
    ):
        errors.add(key, PERCENT_ERROR)
        return None
    return amount.quantize(_CENT) + 0  # `+ 0` turns -0.00 into 0.00


def _description(errors: _Errors, item: dict, where: str) -> str | None:
    value = item.get("description")
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(_key(where, "description"), "Must be a string.")
        return None
    return _without_nul(errors, _key(where, "description"), value.strip())


def _active(errors: _Errors, item: dict, where: str) -> bool | None:
    value = item.get("active", True)
    if not isinstance(value, bool):
        errors.add(_key(where, "active"), "Must be true or false.")
        return None
    return value


def _list(errors: _Errors, data: dict, field: str) -> list | None:
    if field not in data:
        errors.add(field, REQUIRED_ERROR)
        return None
    if not isinstance(data[field], list):
        errors.add(field, "Must be a list.")
        return None
    return data[field]


def _categories_validate(errors: _Errors, data: dict) -> dict[str, str | None] | None:
    """File id -> name; an id with a bad name still counts as known, to avoid echo errors."""
    items = _list(errors, data, "categories")
    if items is None:
        return None
    names: dict[str, str | None] = {}
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        where = f"categories[{index}]"
        if not isinstance(item, dict):
            errors.add(where, "Must be a mapping with id and name.")
            continue
        category_id = _identifier(errors, item, "id", where)
        name = _text(errors, item, "name", where, max_length=CATEGORY_NAME_MAX_LENGTH)
        if category_id is None:
            continue
        if category_id in first_index:
            errors.add(
                f"{where}.id",
                f"Duplicate category id {category_id!r} "
                f"(also categories[{first_index[category_id]}]).",
            )
            continue
        first_index[category_id] = index
        names[category_id] = name
    return names


def _products_validate(
    errors: _Errors, data: dict, category_ids: set[str] | None
) -> list[_ProductRow]:
    items = _list(errors, data, "products")
    if items is None:
        return []
    if len(items) > MAX_CATALOG_PRODUCTS:
        errors.add(
            "products", f"At most {MAX_CATALOG_PRODUCTS} products per file, got {len(items)}."
        )
        return []
    rows: list[_ProductRow] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        where = f"products[{index}]"
        if not isinstance(item, dict):
            errors.add(where, "Must be a mapping.")
            continue
        external_id = _identifier(errors, item, "id", where, max_length=EXTERNAL_ID_MAX_LENGTH)
        if external_id is not None:
            if external_id in first_index:
                errors.add(
                    f"{where}.id",
                    f"Duplicate product id {external_id!r} "
                    f"(also products[{first_index[external_id]}]).",
                )
            else:
                first_index[external_id] = index
        name = _text(errors, item, "name", where, max_length=PRODUCT_NAME_MAX_LENGTH)
        category_id = _identifier(errors, item, "category", where)
        if category_id is not None and category_ids is not None and category_id not in category_ids:
            errors.add(
                f"{where}.category",
                f"Unknown category {category_id!r}: not among this file's categories.",
            )
        percent_user = _percent(errors, item, "percent_user", where)
        percent_bank = _percent(errors, item, "percent_bank", where)
        description = _description(errors, item, where)
        is_active = _active(errors, item, where)
        if (
            external_id is None
            or name is None
            or category_id is None
            or percent_user is None
            or percent_bank is None
            or description is None
            or is_active is None
        ):
            continue
        rows.append(
            _ProductRow(
                external_id=external_id,
                name=name,
                description=description,
                category_id=category_id,
                percent_user=percent_user,
                percent_bank=percent_bank,
                is_active=is_active,
            )
        )
    return rows


def _catalog_validate(data: Any, *, bank: Bank | None) -> _Catalogue:
    """Every rule checked, every error collected, before a single row is written."""
    if not isinstance(data, dict):
        raise CatalogImportError(
            {"file": ["The file must be a mapping with bank, categories and products."]}
        )
    errors = _Errors()
    bank_name = _text(errors, data, "bank", "", max_length=BANK_NAME_MAX_LENGTH)
    if (
        bank is not None
        and bank_name is not None
        and bank_name.casefold() != bank.name.strip().casefold()
    ):
        errors.add("bank", f"The file is for bank {bank_name!r}, not {bank.name!r}.")
    categories = _categories_validate(errors, data)
    products = _products_validate(errors, data, set(categories) if categories is not None else None)
    errors.raise_if_any()
    assert bank_name is not None and categories is not None  # no errors: both were valid
    return _Catalogue(
        bank_name=bank_name,
        categories={key: name for key, name in categories.items() if name is not None},
        products=products,
    )


# --- Writing ------------------------------------------------------------------------------------


def _catalog_bank(*, name: str, create: bool) -> tuple[Bank, bool]:
    """The bank the file names; only the command may create one (the API knows its bank)."""
    if not create:
        bank = Bank.objects.filter(name__iexact=name).first()
        if bank is None:
            raise CatalogImportError({"bank": [f"No bank called {name!r}."]})
        return bank, False
    try:
        with transaction.atomic():
            return bank_get_or_create(name=name)
    except IntegrityError:
        # A concurrent import created the same bank a moment ago: its row is the one to use.
        return Bank.objects.get(name__iexact=name), False


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
    catalogue = _catalog_validate(catalog_yaml_load(raw=raw), bank=bank)
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

    return ImportSummary(
        bank=bank,
        bank_created=bank_created,
        categories_created=categories_created,
        categories_updated=categories_updated,
        products_created=len(to_create),
        products_updated=len(to_update),
        products_deactivated=len(to_deactivate),
    )
