from django.contrib import admin

from orders.models import OrderStatusChange, ReferralClick


class OrderStatusChangeInline(admin.TabularInline):
    """The history is a record: it is read here, written only by the services."""

    model = OrderStatusChange
    fields = ("created_at", "from_status", "to_status", "source", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OrderAdmin(admin.ModelAdmin):
    """Applications. Status changes only through the actions, so the history records them.

    Registered by `payouts.admin`, which adds the approve / reject actions: an approval
    creates commissions, so the actions call `payouts.decisions`, which `orders` cannot import.
    """

    # Eight columns fit a 1366-pixel screen; the product names its bank ("Card (Bank)").
    list_display = (
        "id",
        "partner",
        "product",
        "status",
        "channel",
        "income",
        "reward",
        "created_at",
    )
    list_filter = (
        "status",
        "channel",
        "product__bank",
        ("partner", admin.RelatedOnlyFieldListFilter),
        "created_at",
        "submitted_at",
    )
    search_fields = ("=id", "partner__username", "email_client", "phone", "product__name")
    list_select_related = ("partner", "product__bank")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    fields = (
        "partner",
        "product",
        "status",
        "channel",
        "income",
        "email_client",
        "phone",
        "percent_user",
        "reward",
        "created_at",
        "submitted_at",
        "decided_at",
        "updated_at",
    )
    readonly_fields = fields
    inlines = (OrderStatusChangeInline,)

    def has_add_permission(self, request) -> bool:
        """Applications come from clients and partners, through the API."""
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        """Read-only: the page shows no Save button and refuses a POST. Decisions are made
        with the actions and the page's own approve / reject form (`payouts.admin`), which go
        through the services and the history."""
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        """An application and its history are the record of a reward: never deleted here."""
        return False


@admin.register(ReferralClick)
class ReferralClickAdmin(admin.ModelAdmin):
    """Visits of referral links: a read-only record for the partners' statistics."""

    list_display = ("created_at", "partner", "product")
    list_filter = ("created_at", "product__bank")
    search_fields = ("partner__username", "product__name")
    list_select_related = ("partner", "product__bank")  # a product's name shows its bank
    date_hierarchy = "created_at"
    fields = ("partner", "product", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
