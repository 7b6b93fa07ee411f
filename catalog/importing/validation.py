"""Checking a catalogue file's parsed data against SPEC §5, before anything is written.

Every rule is checked and every problem collected (up to `MAX_CATALOG_ERRORS`), keyed by item
and field, so a bank fixes its whole file in one go. Nothing here reads or writes a table:
a bad file is refused before the import's transaction begins.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from catalog.errors import CatalogImportError
from catalog.models import Bank, Category, Product

MAX_CATALOG_PRODUCTS = 5000
# A broken 5,000-line file should answer with a readable list, not 30,000 messages.
MAX_CATALOG_ERRORS = 50

BANK_NAME_MAX_LENGTH = Bank._meta.get_field("name").max_length
CATEGORY_NAME_MAX_LENGTH = Category._meta.get_field("name").max_length
PRODUCT_NAME_MAX_LENGTH = Product._meta.get_field("name").max_length
EXTERNAL_ID_MAX_LENGTH = Product._meta.get_field("external_id").max_length

PERCENT_ERROR = _("Must be a number from 0 to 100 with at most two decimals.")
REQUIRED_ERROR = _("This field is required.")
NUL_ERROR = _("Must not contain a NUL character.")
BLANK_ERROR = _("This field may not be blank.")
TOO_LONG_ERROR = _("Ensure this field has no more than {max_length} characters.")

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class ProductRow:
    """One valid product of the file."""

    external_id: str
    name: str
    description: str
    category_id: str  # the category's id inside the file
    percent_user: Decimal
    percent_bank: Decimal
    is_active: bool


@dataclass(frozen=True)
class Catalogue:
    """A valid file, ready to be written."""

    bank_name: str
    categories: dict[str, str]  # id inside the file -> category name
    products: list[ProductRow]


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
                _("Only the first {count} errors are listed.").format(count=MAX_CATALOG_ERRORS)
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
        errors.add(key, _("Must be a string."))
        return None
    text = (value or "").strip()
    if not text:
        errors.add(key, BLANK_ERROR)
        return None
    if len(text) > max_length:
        errors.add(key, TOO_LONG_ERROR.format(max_length=max_length))
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
        errors.add(key, _("Must be a string or an integer."))
        return None
    text = str(value).strip()
    if not text:
        errors.add(key, BLANK_ERROR)
        return None
    if max_length is not None and len(text) > max_length:
        errors.add(key, TOO_LONG_ERROR.format(max_length=max_length))
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
        errors.add(_key(where, "description"), _("Must be a string."))
        return None
    return _without_nul(errors, _key(where, "description"), value.strip())


def _active(errors: _Errors, item: dict, where: str) -> bool | None:
    value = item.get("active", True)
    if not isinstance(value, bool):
        errors.add(_key(where, "active"), _("Must be true or false."))
        return None
    return value


def _list(errors: _Errors, data: dict, field: str) -> list | None:
    if field not in data:
        errors.add(field, REQUIRED_ERROR)
        return None
    if not isinstance(data[field], list):
        errors.add(field, _("Must be a list."))
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
            errors.add(where, _("Must be a mapping with id and name."))
            continue
        category_id = _identifier(errors, item, "id", where)
        name = _text(errors, item, "name", where, max_length=CATEGORY_NAME_MAX_LENGTH)
        if category_id is None:
            continue
        if category_id in first_index:
            errors.add(
                f"{where}.id",
                _("Duplicate category id {id!r} (also categories[{index}]).").format(
                    id=category_id, index=first_index[category_id]
                ),
            )
            continue
        first_index[category_id] = index
        names[category_id] = name
    return names


def _products_validate(
    errors: _Errors, data: dict, category_ids: set[str] | None
) -> list[ProductRow]:
    items = _list(errors, data, "products")
    if items is None:
        return []
    if len(items) > MAX_CATALOG_PRODUCTS:
        errors.add(
            "products",
            _("At most {limit} products per file, got {count}.").format(
                limit=MAX_CATALOG_PRODUCTS, count=len(items)
            ),
        )
        return []
    rows: list[ProductRow] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        where = f"products[{index}]"
        if not isinstance(item, dict):
            errors.add(where, _("Must be a mapping."))
            continue
        external_id = _identifier(errors, item, "id", where, max_length=EXTERNAL_ID_MAX_LENGTH)
        if external_id is not None:
            if external_id in first_index:
                errors.add(
                    f"{where}.id",
                    _("Duplicate product id {id!r} (also products[{index}]).").format(
                        id=external_id, index=first_index[external_id]
                    ),
                )
            else:
                first_index[external_id] = index
        name = _text(errors, item, "name", where, max_length=PRODUCT_NAME_MAX_LENGTH)
        category_id = _identifier(errors, item, "category", where)
        if category_id is not None and category_ids is not None and category_id not in category_ids:
            errors.add(
                f"{where}.category",
                _("Unknown category {category!r}: not among this file's categories.").format(
                    category=category_id
                ),
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
            ProductRow(
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


def catalog_validate(data: Any, *, bank: Bank | None) -> Catalogue:
    """Every rule checked, every error collected, before a single row is written."""
    if not isinstance(data, dict):
        raise CatalogImportError(
            {"file": [_("The file must be a mapping with bank, categories and products.")]}
        )
    errors = _Errors()
    bank_name = _text(errors, data, "bank", "", max_length=BANK_NAME_MAX_LENGTH)
    # The bank is at hand, so its name is compared here rather than with `Bank.objects.named`:
    # validation reads no table, and a wrong bank is listed with the file's other problems.
    if (
        bank is not None
        and bank_name is not None
        and bank_name.casefold() != bank.name.strip().casefold()
    ):
        errors.add(
            "bank",
            _("The file is for bank {file_bank!r}, not {bank!r}.").format(
                file_bank=bank_name, bank=bank.name
            ),
        )
    categories = _categories_validate(errors, data)
    products = _products_validate(errors, data, set(categories) if categories is not None else None)
    errors.raise_if_any()
    assert bank_name is not None and categories is not None  # no errors: both were valid
    return Catalogue(
        bank_name=bank_name,
        categories={key: name for key, name in categories.items() if name is not None},
        products=products,
    )
