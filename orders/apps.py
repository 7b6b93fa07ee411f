from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Clients' applications for bank products and their status history."""

    name = "orders"
    verbose_name = "Applications"
