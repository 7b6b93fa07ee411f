from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Banks, product categories and the products partners sell."""

    name = "catalog"
    verbose_name = "Catalogue"
