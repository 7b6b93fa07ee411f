from django import forms
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth import get_user_model

from referrals import services
from referrals.models import InviteCode, Referral

User = get_user_model()


def _user_admin_searchable() -> bool:
    """Autocomplete needs the partners' admin page with a search; raw ids do without it."""
    try:
        return bool(admin.site.get_model_admin(User).search_fields)
    except NotRegistered:
        return False


class UserLookupMixin:
    """Partner fields: autocomplete when the partners' admin can search, else raw ids.

    Decided per request rather than at import, so the choice does not depend on which app's
    admin module loads first.
    """

    user_fields: tuple[str, ...] = ()

    def get_autocomplete_fields(self, request):
        return self.user_fields if _user_admin_searchable() else ()


class InviteCodeForm(forms.ModelForm):
    class Meta:
        model = InviteCode
        fields = ["user", "code", "is_active", "expires_at"]

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


@admin.register(InviteCode)
class InviteCodeAdmin(UserLookupMixin, admin.ModelAdmin):
    form = InviteCodeForm
    user_fields = ("user",)
    raw_id_fields = ("user",)
    list_display = ("code", "user", "is_active", "expires_at", "uses", "created_at", "deleted_at")
    list_filter = ("is_active", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("code", "user__username", "user__email")
    list_select_related = ("user",)
    readonly_fields = ("uses", "created_at", "deleted_at")
    ordering = ("-id",)
    actions = ("deactivate_codes",)

    @admin.action(description="Deactivate selected codes")
    def deactivate_codes(self, request, queryset):
        count = services.invite_codes_deactivate(codes=queryset)
        self.message_user(request, f"{count} code(s) deactivated.", messages.SUCCESS)


@admin.register(Referral)
class ReferralAdmin(UserLookupMixin, admin.ModelAdmin):
    """Read-only: a referral made here would skip the one-referrer and no-cycle rules."""

    user_fields = ("referred", "referrer")
    raw_id_fields = ("referred", "referrer", "code")
    list_display = ("referred", "referrer", "code", "created_at")
    search_fields = (
        "referred__username",
        "referred__email",
        "referrer__username",
        "referrer__email",
        "code__code",
    )
    list_select_related = ("referred", "referrer", "code")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
