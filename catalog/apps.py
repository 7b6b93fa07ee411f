from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """Banks, product categories and the products partners sell."""

    name = "catalog"
    verbose_name = _("Catalogue")
