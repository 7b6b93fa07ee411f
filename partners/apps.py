from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """The partner's flows that span apps, written top-down in one place: signing up (with
    an invite code and the personal code every new partner gets), the profile page, the demo
    data. It calls the services and selectors of `accounts`, `referrals` and `orders`; no
    other app imports it (see STYLE.md's layers)."""

    name = "partners"
    verbose_name = _("Partners")
