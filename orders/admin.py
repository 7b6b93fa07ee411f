from django.contrib import admin
from django.db.models import BooleanField, ExpressionWrapper
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from orders.models import Order, OrderStatusChange, ReferralClick
from orders.selectors import own_contact_condition


class OrderStatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The history is a record: it is read here, written only by the services."""

    model = OrderStatusChange
    fields = ("created_at", "from_status", "to_status", "source", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False


class OwnContactFilter(admin.SimpleListFilter):
    """Applications with the partner's own phone or e-mail (refused since issue 11; older ones
    may be there): a partner applying to itself to be paid for it."""

    title = _("partner's own phone or e-mail")
    parameter_name = "own_contact"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(own_contact_condition())
        if self.value() == "no":
            return queryset.exclude(own_contact_condition())
        return queryset


class OrderAdmin(admin.ModelAdmin):
    """Applications. Status changes only through the actions, so the history records them.

    Registered by `payouts.admin`, which adds the approve / reject actions: an approval
    creates commissions, so the actions call `payouts.decisions`, which `orders` cannot import.
    """

    # Nine narrow columns fit a 1366-pixel screen; the product names its bank ("Card (Bank)").
    list_display = (
        "id",
        "partner",
        "product",
        "status",
        "channel",
        "income",
        "reward",
        "created_at",
        "own_contact",
    )
    list_filter = (
        OwnContactFilter,
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

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                own_contact=ExpressionWrapper(own_contact_condition(), output_field=BooleanField())
            )
        )

    @admin.display(description=_("partner's own contact"), boolean=True, ordering="own_contact")
    def own_contact(self, order: Order) -> bool:
        return bool(getattr(order, "own_contact", False))

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
class ReferralClickAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Visits of referral links: a read-only record for the partners' statistics."""

    list_display = ("created_at", "partner", "product")
    list_filter = ("created_at", "product__bank")
    search_fields = ("partner__username", "product__name")
    list_select_related = ("partner", "product__bank")  # a product's name shows its bank
    date_hierarchy = "created_at"
    fields = ("partner", "product", "created_at")
    readonly_fields = fields
