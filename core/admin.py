from django.contrib import admin

from core.models import RateCounter


class ReadOnlyAdminMixin:
    """A record: shown in the admin, never added, changed or deleted by hand (applications'
    history, clicks, commissions, payouts: the services write them)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RateCounter)
class RateCounterAdmin(admin.ModelAdmin):
    """Read-only view of the shared counters (when no Redis is configured); delete to reset."""

    list_display = ("key", "count", "expires_at")
    search_fields = ("key",)
    readonly_fields = ("key", "count", "expires_at")

    def has_add_permission(self, request) -> bool:
        return False
