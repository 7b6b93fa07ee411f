from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    """Invite codes and who recruited whom."""

    name = "referrals"
    verbose_name = "Referrals"
