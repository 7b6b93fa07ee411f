from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Cross-cutting pieces: settings, URLs, errors, auth classes and shared rate counters."""

    name = "config"
    verbose_name = "Platform"
