from django.contrib import admin, messages

from core.errors import ApplicationError
from orders import services
from orders.models import Order, OrderStatus, OrderStatusChange, ReferralClick


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


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Applications. Status changes only through the actions, so the history records them."""

    list_display = (
        "id",
        "partner",
        "product",
        "bank",
        "status",
        "channel",
        "income",
        "reward",
        "created_at",
        "submitted_at",
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
    list_select_related = ("partner", "product__bank", "bank")
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
    actions = ("approve", "reject")

    def has_add_permission(self, request) -> bool:
        """Applications come from clients and partners, through the API."""
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        """An application and its history are the record of a reward: never deleted here."""
        return False

    def _decide(self, request, queryset, status: str) -> None:
        changed, unchanged, refused = 0, 0, []
        drafts = queryset.filter(status=OrderStatus.DRAFT).count()
        submitted = queryset.exclude(status=OrderStatus.DRAFT).values_list("pk", flat=True)
        for order_id in submitted:
            try:
                done = services.order_decide_by_admin(
                    order_id=order_id, status=status, reason=f"by {request.user.get_username()}"
                )
            except ApplicationError as exc:
                refused.append(f"#{order_id}: {exc.detail}")
                continue
            changed, unchanged = changed + done, unchanged + (not done)
        self.message_user(
            request,
            f"{changed} application(s) {status}; {unchanged} already were.",
            messages.SUCCESS,
        )
        if drafts:
            self.message_user(
                request,
                f"{drafts} draft(s) skipped: a draft is decided only once it is submitted.",
                messages.WARNING,
            )
        if refused:
            self.message_user(request, "Not changed: " + "; ".join(refused), messages.WARNING)

    @admin.action(description="Approve selected applications")
    def approve(self, request, queryset) -> None:
        self._decide(request, queryset, OrderStatus.APPROVED)

    @admin.action(description="Reject selected applications")
    def reject(self, request, queryset) -> None:
        self._decide(request, queryset, OrderStatus.REJECTED)


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
