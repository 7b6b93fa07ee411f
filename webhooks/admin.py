"""Events, webhook endpoints and deliveries in the admin: records to read, one action to act.

Events and attempts are written by the services only (read-only here). A delivery can be sent
again (*Redeliver*: now, with a fresh retry schedule), and so can every delivery of an event.
Endpoints show their owner, URL and types, never their secret.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin
from core.models import Event
from core.tasks import run_after_commit
from webhooks import services, tasks
from webhooks.models import Delivery, DeliveryAttempt, Endpoint


def _redeliver(modeladmin, request, deliveries) -> None:
    count = 0
    for delivery in deliveries:
        services.delivery_redeliver(delivery=delivery)
        run_after_commit(tasks.delivery_attempt, delivery.pk)
        count += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d delivery sent again.", "%(count)d deliveries sent again.", count)
        % {"count": count},
        messages.SUCCESS,
    )


class RedeliverPermissionMixin:
    """Sending again takes the right to change deliveries, not only to see them."""

    def has_redeliver_permission(self, request) -> bool:
        return request.user.has_perm("webhooks.change_delivery")


class AttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DeliveryAttempt
    fields = ("number", "attempted_at", "status_code", "error", "duration_ms", "next_attempt_at")
    readonly_fields = fields
    extra = 0
    ordering = ("-attempted_at",)


class DeliveryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Delivery
    fields = ("endpoint", "status", "attempts", "last_status_code", "next_attempt_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Event)
class EventAdmin(RedeliverPermissionMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "type", "audience", "owner_id", "created_at", "dispatched_at")
    list_filter = ("type", "audience")
    search_fields = ("type",)
    readonly_fields = ("uid", "type", "audience", "owner_id", "data", "created_at", "dispatched_at")
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]
    actions = ["redeliver"]

    @admin.action(
        description=_("Redeliver to every endpoint it went to"), permissions=["redeliver"]
    )
    def redeliver(self, request, queryset):
        _redeliver(self, request, Delivery.objects.filter(event__in=queryset))


@admin.register(Delivery)
class DeliveryAdmin(RedeliverPermissionMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "event__type")
    list_select_related = ("event", "endpoint__bank", "endpoint__partner")
    readonly_fields = (
        "event",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
    )
    inlines = [AttemptInline]
    actions = ["redeliver"]

    @admin.display(description=_("type"), ordering="event__type")
    def event_type(self, delivery: Delivery) -> str:
        return delivery.event.type

    @admin.action(description=_("Redeliver now"), permissions=["redeliver"])
    def redeliver(self, request, queryset):
        _redeliver(self, request, queryset)


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "url", "created_at", "updated_at")
    list_select_related = ("bank", "partner")
    search_fields = ("url", "bank__name", "partner__username")
    fields = ("bank", "partner", "url", "events", "created_at", "updated_at")
    readonly_fields = fields

    # Subscriptions are the banks' and partners' own, made through the API's rules (an https
    # URL, their own event types; their secret shown to them): an admin reads or deletes them.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("owner"))
    def owner(self, endpoint: Endpoint):
        return endpoint.owner
