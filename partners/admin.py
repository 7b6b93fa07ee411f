"""The partners' admin pages: they live here, above `referrals`, because adding a partner
gives it its personal invite code as every sign-up does (`services.partner_onboard`)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import selectors as account_selectors
from accounts.errors import EMAIL_TAKEN, USERNAME_TAKEN
from accounts.models import User
from accounts.phones import INVALID_PHONE, normalize_phone
from partners import services
from partners.models import Partner


class PartnerFormMixin:
    """The API's rules in the admin's forms: a phone in E.164 (as typed, `8 999 123-45-67`
    would never match a phone sign-in), usernames and e-mails unique regardless of case as the
    constraints say, each refused with a message on its field rather than a constraint's name."""

    def clean_phone(self):
        value = self.cleaned_data.get("phone")
        if not value:
            return None
        phone = normalize_phone(value)
        if phone is None:
            raise forms.ValidationError(INVALID_PHONE)
        return phone  # the model's unique check then sees the E.164 form

    def clean_username(self):
        username = User.normalize_username(self.cleaned_data.get("username") or "")
        if account_selectors.username_taken(username=username, by_other_than=self.instance):
            raise forms.ValidationError(USERNAME_TAKEN)
        return username

    def clean_email(self):
        email = self.cleaned_data.get("email") or ""
        if account_selectors.email_taken(email=email, by_other_than=self.instance):
            raise forms.ValidationError(EMAIL_TAKEN)
        return email


class PartnerChangeForm(PartnerFormMixin, UserChangeForm):
    pass


class PartnerCreationForm(PartnerFormMixin, AdminUserCreationForm):
    pass


@admin.register(User)
class PartnerAdmin(DjangoUserAdmin):
    form = PartnerChangeForm
    add_form = PartnerCreationForm
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
    # The partner's own fields first; permissions and dates folded away below them.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Partner"),
            {"fields": ("first_name", "last_name", "email", "phone", "bank", "payout_details")},
        ),
        (
            _("Permissions"),
            {
                "classes": ("collapse",),
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
            },
        ),
        (_("Important dates"), {"classes": ("collapse",), "fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Partner"), {"fields": ("email", "phone", "bank")}),
    )

    def delete_queryset(self, request, queryset) -> None:
        """Deleted one by one, so that each one's cached copy dies with it (`User.delete`)."""
        for partner in queryset:
            partner.delete()

    def save_model(self, request, obj, form, change) -> None:
        """A partner added here gets what every new partner gets (its personal invite code)."""
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                services.partner_onboard(partner=obj)


@admin.register(Partner)
class PartnersOnlyAdmin(PartnerAdmin):
    """The "Partners" section: the same pages, without staff accounts."""

    list_display = ("username", "email", "phone", "bank", "is_active", "date_joined")
    list_filter = ("is_active", "bank")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_staff=False)
