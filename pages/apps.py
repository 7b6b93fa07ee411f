from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The server-rendered pages for people: the client's page of a referral link, the
    thank-you page and the root page. A thin app above the others (SPEC §9)."""

    name = "pages"
    verbose_name = _("Pages")
