from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    """Invite codes and who recruited whom. A new partner's personal code and referrer are
    given by the sign-up flows of `partners.services`, which call this app's services."""

    name = "referrals"
    verbose_name = "Referrals"
