"""Writes to the banks themselves: their API tokens and their rows; the products' row locks.

Catalogue imports, the other writes of this app, live in `catalog.importing`.
"""

import secrets

from django.db import transaction
from django.utils import timezone

from catalog.models import Bank, Product, hash_bank_token


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
    bank = Bank.objects.named(name).first()
    if bank is not None:
        return bank, False
    return Bank.objects.create(name=name), True


def product_lock(*, product_id: int):
    """Lock the product's row (`FOR NO KEY UPDATE`: other rows may still point at it) for the
    caller's transaction, while it is active; its `percent_user` then, or None.

    Its own row only: the callers have its bank and category from the catalogue's cache.
    """
    percents = list(
        Product.objects.select_for_update(no_key=True)
        .filter(pk=product_id, is_active=True)
        .values_list("percent_user", flat=True)[:1]
    )
    return percents[0] if percents else None
