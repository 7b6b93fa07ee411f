from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Clients' applications for bank products and their status history."""

    name = "orders"
    verbose_name = "Applications"

    def ready(self) -> None:
        """Add the applications and earnings to the partner's profile (accounts' surface)."""
        from accounts import selectors as account_selectors
        from orders import selectors, serializers

        account_selectors.register_profile_section(
            selectors.profile_orders_section,
            schema={
                "Success order": lambda: serializers.SuccessOrderSerializer(many=True),
                "Earnings": serializers.EarningsSerializer,
            },
        )
