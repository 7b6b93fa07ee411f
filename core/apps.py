from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom layer every app may use and that uses no app: error types and the exception
    handler, pagination, parsers, throttles and the shared rate counters, middleware, health.

    Nothing here knows partners, banks or applications; see STYLE.md's layers."""

    name = "core"
    verbose_name = _("Platform")
