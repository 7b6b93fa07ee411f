"""Catalogue files and database snapshots shared by the import, command and admin tests."""

import yaml

from catalog.models import Bank, Category, Product

BANK = "Example Bank"


def product_item(**fields) -> dict:
    """One valid product of a catalogue file, with `fields` changed."""
    return {
        "id": "cashback-card",
        "name": "Cashback card",
        "category": "cards",
        "percent_user": 1.5,
        "percent_bank": 3,
        "description": "Up to 5% back",
        **fields,
    }


def catalog_data(*, bank: object = BANK, categories=None, products=None) -> dict:
    return {
        "bank": bank,
        "categories": [{"id": "cards", "name": "Credit cards"}]
        if categories is None
        else categories,
        "products": [product_item()] if products is None else products,
    }


def catalog_source(**kwargs) -> str:
    return yaml.safe_dump(catalog_data(**kwargs), sort_keys=False, allow_unicode=True)


def db_snapshot() -> dict:
    """Every row an import may touch, to prove a refused import changed nothing."""
    return {
        "banks": list(Bank.objects.order_by("pk").values_list()),
        "categories": list(Category.objects.order_by("pk").values_list()),
        "products": list(Product.objects.order_by("pk").values_list()),
    }
