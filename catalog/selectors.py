"""Reads of the catalogue."""

import hmac

from django.db.models import QuerySet

from catalog.models import CATALOGUE_CACHE, Bank, Category, Product, hash_bank_token
from core.cache import cached


def bank_by_token(token: str) -> Bank | None:
    """The active bank holding `token`, compared in constant time, or None.

    Kept in the shared cache by the token's digest; every save or delete of any bank (a new
    token, a deactivation) renews the whole generation, so a replaced token fails at once.
    """
    if not token:
        return None
    digest = hash_bank_token(token)
    bank = cached(
        Bank.TOKENS_CACHE,
        lambda: Bank.objects.filter(token_hash=digest, is_active=True).first(),
        part=digest,
    )
    if bank is None or not hmac.compare_digest(bank.token_hash, digest):
        return None
    return bank


def bank_by_id(bank_id: int) -> Bank | None:
    """The bank (active or not) by id, or None; kept in the shared cache under the
    catalogue's generation, which every write to a bank renews. For a partner's own bank,
    whose id comes from the partner's row."""
    return cached(
        CATALOGUE_CACHE, lambda: Bank.objects.filter(pk=bank_id).first(), part=f"bank:{bank_id}"
    )


def product_by_id(product_id: int) -> Product | None:
    """The product (active or not) by id with its bank and category, or None; kept in the
    shared cache under the catalogue's generation, which every write to a bank, a category or
    a product renews. For the applications' decisions: their product may be withdrawn since."""
    return cached(
        CATALOGUE_CACHE,
        lambda: Product.objects.select_related("bank", "category").filter(pk=product_id).first(),
        part=f"product-any:{product_id}",
    )


def banks_active() -> QuerySet[Bank]:
    return Bank.objects.filter(is_active=True).order_by("name")


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("name")


def products_available_to(*, partner) -> QuerySet[Product]:
    """Active products of active banks; only the partner's own bank's when it has one."""
    products = Product.objects.filter(
        is_active=True, bank__is_active=True, category__is_active=True
    ).select_related("bank", "category")
    if partner.bank_id is not None:
        products = products.filter(bank_id=partner.bank_id)
    return products


class _Unavailable(Exception):
    """Not a product the partner may sell: nothing to keep (made-up ids fill no cache)."""


def product_available_to(*, partner, product_id: int) -> Product | None:
    """One of `products_available_to(partner)` (with its bank and category), or None.

    Kept in the shared cache per bank scope under the catalogue's generation, as the product
    list is (`CATALOGUE_CACHE`): every write to a bank, a category or a product renews it, so
    a product withdrawn is gone at the next request. For the referral links' landing data.
    """
    loaded = []

    def load() -> Product:
        product = products_available_to(partner=partner).filter(pk=product_id).first()
        if product is None:
            raise _Unavailable
        loaded.append(product)
        return product

    try:
        product = cached(
            CATALOGUE_CACHE, load, part=f"product:{partner.bank_id or 'all'}:{product_id}"
        )
    except _Unavailable:
        return None
    return loaded[0] if loaded else product
