from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Clients' applications for bank products, their status history and the links' clicks."""

    name = "orders"
    verbose_name = _("Applications")
