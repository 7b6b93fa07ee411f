from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import PhoneCode, User
from accounts.phones import INVALID_PHONE, normalize_phone


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
        if User.objects.with_username(username).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("A user with that username already exists.")
        return username

    def clean_email(self):
        email = self.cleaned_data.get("email") or ""
        if email and User.objects.with_email(email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("A user with that e-mail already exists.")
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
