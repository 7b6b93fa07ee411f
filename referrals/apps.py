from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Invite codes and who recruited whom. A new partner's personal code and referrer are
    given by the sign-up flows of `partners.services`, which call this app's services."""

    name = "referrals"
    verbose_name = _("Referrals")
