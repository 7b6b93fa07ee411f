"""The catalogue: banks, the product categories they share, and the banks' products."""

import hashlib

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.cache import invalidate
from core.lookups import same_text

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def hash_bank_token(token: str) -> str:
    """SHA-256 of a bank token: the token itself is never stored.

    Tokens are 256-bit random strings, so a plain digest cannot be brute-forced and needs no salt;
    a lookup by digest keeps authentication one indexed query.
    """
    return hashlib.sha256(token.encode()).hexdigest()


#: The generation of the cached catalogue pages and items (`catalog.views`): every write to a
#: bank, a category or a product renews it, so the next request shows the change.
CATALOGUE_CACHE = "catalogue"


class CatalogueQuerySet(models.QuerySet):
    """Bulk writes (the import's, the admin's bulk deletes) renew the cached catalogue as
    `save()` and `delete()` do: no write to the catalogue's tables can leave a stale page."""

    def update(self, **kwargs) -> int:
        updated = super().update(**kwargs)
        invalidate(CATALOGUE_CACHE)
        return updated

    def delete(self):
        deleted = super().delete()
        invalidate(CATALOGUE_CACHE)
        return deleted

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        invalidate(CATALOGUE_CACHE)
        return created

    def bulk_update(self, objs, *args, **kwargs):
        updated = super().bulk_update(objs, *args, **kwargs)
        invalidate(CATALOGUE_CACHE)
        return updated


class CatalogueModel(models.Model):
    """A model whose rows the cached catalogue shows: each save and delete renews it."""

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        invalidate(CATALOGUE_CACHE)

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        invalidate(CATALOGUE_CACHE)
        return deleted


class BankQuerySet(CatalogueQuerySet):
    def named(self, name: str) -> "BankQuerySet":
        """The bank called `name` regardless of case: the rule of the unique constraint on
        `Lower("name")`, so a look-up and the constraint never disagree (`core.lookups`)."""
        return self.filter(same_text("name", name))


class Bank(CatalogueModel):
    """A bank whose products partners sell; it talks to the platform with its secret token."""

    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    terms_url = models.URLField(
        blank=True,
        help_text="The bank's terms of processing personal data, linked from the client's page",
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    token_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BankQuerySet.as_manager()

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("banks")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="catalog_bank_name_ci_unique"),
        ]

    #: The generation of the cached token look-ups (`catalog.selectors.bank_by_token`).
    TOKENS_CACHE = "bank-tokens"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """Save, and renew the cached token look-ups: a new token or a deactivation is seen by
        the next request."""
        super().save(*args, **kwargs)
        invalidate(self.TOKENS_CACHE)

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        invalidate(self.TOKENS_CACHE)
        return deleted


class Category(CatalogueModel):
    """A kind of product (cards, loans, deposits). Shared by all banks, matched by name."""

    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="catalog_category_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Product(CatalogueModel):
    """A bank product a partner can refer clients to.

    `percent_user` is the partner's reward and `percent_bank` the bank's fee to the platform,
    each a percent of an approved application's income. `external_id` is the bank's own id
    from its catalogue file, so that a re-import updates the product instead of duplicating it.
    """

    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    # NULL, not "", for products created by hand: the uniqueness per bank only binds real ids.
    external_id = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    percent_user = models.DecimalField(
        max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS
    )
    percent_bank = models.DecimalField(
        max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="catalog_product_external_id_unique_per_bank",
            ),
            models.CheckConstraint(
                condition=models.Q(percent_user__gte=0, percent_user__lte=100),
                name="catalog_product_percent_user_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(percent_bank__gte=0, percent_bank__lte=100),
                name="catalog_product_percent_bank_0_100",
            ),
        ]
        indexes = [models.Index(fields=["bank", "is_active"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.bank})"
