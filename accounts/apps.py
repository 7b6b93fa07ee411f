from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Partners (users), registration and tokens."""

    name = "accounts"
    verbose_name = "Accounts"
