from django.contrib import admin

from core.models import RateCounter


@admin.register(RateCounter)
class RateCounterAdmin(admin.ModelAdmin):
    """Read-only view of the shared counters (when no Redis is configured); delete to reset."""

    list_display = ("key", "count", "expires_at")
    search_fields = ("key",)
    readonly_fields = ("key", "count", "expires_at")

    def has_add_permission(self, request) -> bool:
        return False
