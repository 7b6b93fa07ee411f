from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import PhoneCode, User


@admin.register(User)
class PartnerAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "email",
        "phone",
        "bank",
        "is_active",
        "is_staff",
        "date_joined",
    )
    list_filter = ("is_active", "is_staff", "bank")
    search_fields = ("username", "email", "phone", "first_name", "last_name")
    list_select_related = ("bank",)
    autocomplete_fields = ("bank",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Partner", {"fields": ("phone", "bank")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Partner", {"fields": ("email", "phone", "bank")}),
    )


@admin.register(PhoneCode)
class PhoneCodeAdmin(admin.ModelAdmin):
    """Read-only: codes are only ever a keyed hash, useful here to see attempts and expiry."""

    list_display = ("phone", "created_at", "expires_at", "attempts", "used_at")
    search_fields = ("phone",)
    fields = ("phone", "created_at", "expires_at", "attempts", "used_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
