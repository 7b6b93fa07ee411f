"""The admin of banks, categories and products. A bank's page imports a catalogue file through
the same `catalog_import` as the bank API and the `import_catalog` command."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from catalog import services
from catalog.errors import CatalogImportError
from catalog.importing import MAX_CATALOG_BYTES, catalog_import
from catalog.models import Bank, Category, Product


class CatalogImportForm(forms.Form):
    file = forms.FileField(
        label="Catalogue (YAML)",
        help_text="The bank's full list: products missing from it are deactivated.",
    )


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "has_token", "token_issued_at", "product_count")
    list_filter = ("is_active",)
    search_fields = ("name",)
    readonly_fields = ("has_token", "token_issued_at", "created_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("name", "is_active", "terms_url", "has_token", "token_issued_at", "created_at")
    actions = ("issue_token",)
    change_form_template = "admin/catalog/bank/change_form.html"

    def get_queryset(self, request):
        # The annotation's GROUP BY drops the model's ordering: restore it, or the bank
        # pickers (autocomplete) page through an unordered list.
        return (
            super()
            .get_queryset(request)
            .annotate(_product_count=Count("products", filter=Q(products__is_active=True)))
            .order_by(*Bank._meta.ordering, "id")
        )

    def delete_queryset(self, request, queryset) -> None:
        """Deleted one by one, so that the cached token look-ups are renewed (`Bank.delete`)."""
        for bank in queryset:
            bank.delete()

    @admin.display(boolean=True, description=_("token"))
    def has_token(self, bank: Bank) -> bool:
        return bool(bank.token_hash)

    @admin.display(description=_("active products"), ordering="_product_count")
    def product_count(self, bank: Bank) -> int:
        return bank._product_count

    @admin.action(description=_("Issue a new token (the old one stops working)"))
    def issue_token(self, request, queryset):
        for bank in queryset:
            token = services.bank_issue_token(bank=bank)
            self.message_user(
                request,
                _("New token for %(bank)s (shown once, store it now): %(token)s")
                % {"bank": bank.name, "token": token},
                messages.WARNING,
            )

    def get_urls(self):
        return [
            path(
                "<int:bank_id>/import-catalog/",
                self.admin_site.admin_view(self.import_catalog_view),
                name="catalog_bank_import_catalog",
            ),
            path(
                "<int:bank_id>/issue-token/",
                self.admin_site.admin_view(self.issue_token_view),
                name="catalog_bank_issue_token",
            ),
            *super().get_urls(),
        ]

    def issue_token_view(self, request, bank_id: int):
        """The Bank page's button: asks first (GET), then issues a token and shows it on the
        answer to that POST alone (never stored in a message or a log)."""
        bank = get_object_or_404(Bank, pk=bank_id)
        if not self.has_change_permission(request, bank):
            return redirect("admin:index")
        token = services.bank_issue_token(bank=bank) if request.method == "POST" else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("New token: %(bank)s") % {"bank": bank.name},
            "bank": bank,
            "token": token,
            "opts": self.model._meta,
        }
        # admin_view() marks the answer never to be cached.
        return TemplateResponse(request, "admin/catalog/bank/issue_token.html", context)

    def import_catalog_view(self, request, bank_id: int):
        """The same import as the bank API and the command, for a file an admin uploads."""
        bank = get_object_or_404(Bank, pk=bank_id)
        if not self.has_change_permission(request, bank):
            return redirect("admin:index")
        form = CatalogImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                summary = catalog_import(source=upload.read(MAX_CATALOG_BYTES + 1), bank=bank)
            except CatalogImportError as exc:
                for line in exc.lines():
                    self.message_user(request, line, messages.ERROR)
            else:
                counts = summary.as_dict()
                self.message_user(
                    request,
                    "Catalogue imported: categories {c[created]} created, {c[updated]} updated; "
                    "products {p[created]} created, {p[updated]} updated, "
                    "{p[deactivated]} deactivated.".format(
                        c=counts["categories"], p=counts["products"]
                    ),
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:catalog_bank_change", args=[bank.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import catalogue: {bank.name}",
            "bank": bank,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/catalog/bank/import_catalog.html", context)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "bank",
        "category",
        "percent_user",
        "percent_bank",
        "is_active",
        "external_id",
    )
    list_filter = ("is_active", "bank", "category")
    search_fields = ("name", "external_id", "bank__name")
    list_select_related = ("bank", "category")
    autocomplete_fields = ("bank", "category")
    readonly_fields = ("created_at", "updated_at")
