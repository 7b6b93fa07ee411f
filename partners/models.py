from django.utils.translation import gettext_lazy as _

from accounts.models import User


class Partner(User):
    """A partner as the admin's "Partners" section lists them: accounts that are not staff.
    A proxy: the same table as `accounts.User`, which lists every account, staff included."""

    class Meta:
        proxy = True
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
