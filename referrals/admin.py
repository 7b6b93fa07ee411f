from django import forms
from django.contrib import admin, messages

from core.errors import ApplicationError
from referrals import services
from referrals.models import InviteCode, Referral


class InviteCodeForm(forms.ModelForm):
    """A code typed in the admin passes the API's checks (`services.invite_code_new_text`):
    the format, the reserved `by-email`, a code ever taken; one active code per partner is the
    model's constraint, shown on the form."""

    class Meta:
        model = InviteCode
        fields = ["user", "code", "is_active", "expires_at"]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if self.instance.pk is not None and code.strip().upper() == self.instance.code:
            return self.instance.code
        try:
            return services.invite_code_new_text(code=code)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.detail) from exc


@admin.register(InviteCode)
class InviteCodeAdmin(admin.ModelAdmin):
    form = InviteCodeForm
    autocomplete_fields = ("user",)
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
class ReferralAdmin(admin.ModelAdmin):
    """Read-only: a referral made here would skip the one-referrer and no-cycle rules."""

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
