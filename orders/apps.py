from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Clients' applications for bank products, their status history and the links' clicks."""

    name = "orders"
    verbose_name = "Applications"
