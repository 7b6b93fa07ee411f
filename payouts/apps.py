from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    """The partners' money: the ledger of commissions, balances, payouts, and the flows that
    move money when a bank or an admin decides an application (approval creates commissions,
    reversal takes them back), written top-down over `orders`' services in one transaction."""

    name = "payouts"
    verbose_name = _("Commissions and payouts")
