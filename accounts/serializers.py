"""Input and output shapes of partners' own endpoints (sign-up, tokens, profile changes)."""

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts import selectors
from accounts.errors import EMAIL_TAKEN, USERNAME_TAKEN
from accounts.fields import BankIdField, PhoneNumberField, SmsPhoneNumberField, UsernameField
from catalog.models import Bank

User = get_user_model()

INVITE_CODE_HELP = (
    "An invite code (4-32 characters, any letter case): its owner becomes the referrer."
)


class RegisterSerializer(serializers.ModelSerializer):
    """Registration input. The password is write-only: it is never echoed back."""

    username = UsernameField()
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    bank = BankIdField(
        queryset=Bank.objects.filter(is_active=True), required=False, allow_null=True
    )
    invite_code = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=32,
        help_text=INVITE_CODE_HELP,
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "bank",
            "invite_code",
        ]
        read_only_fields = ["id"]
        # Uniqueness regardless of case is checked below and by the database.
        extra_kwargs = {"email": {"required": False}}

    def validate_username(self, value: str) -> str:
        if selectors.username_taken(username=value):
            raise serializers.ValidationError(USERNAME_TAKEN)
        return value

    def validate_email(self, value: str) -> str:
        if selectors.email_taken(email=value):
            raise serializers.ValidationError(EMAIL_TAKEN)
        return value

    def validate(self, attrs: dict) -> dict:
        candidate = User(
            username=attrs.get("username", ""),
            email=attrs.get("email", ""),
            first_name=attrs.get("first_name", ""),
            last_name=attrs.get("last_name", ""),
        )
        try:
            password_validation.validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class PartnerCreatedSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "bank"]


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(trim_whitespace=False, max_length=128, write_only=True)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class TokenVerifyInputSerializer(serializers.Serializer):
    token = serializers.CharField()


class ProfileUpdateSerializer(serializers.ModelSerializer):
    """What a partner may change about itself; anything else in the body is ignored."""

    username = UsernameField()
    # Declared here, not taken from the model, so that no uniqueness validator tells anyone
    # whose number is registered: that is answered (409) only after the code proved the
    # number is the partner's.
    phone = PhoneNumberField(
        required=False, help_text="A new phone; needs `phone_code`, the code sent to it."
    )
    phone_code = serializers.CharField(
        write_only=True,
        required=False,
        max_length=32,
        help_text="The one-time code sent to the new phone by `POST /api/auth/phone/`.",
    )

    class Meta:
        model = User
        fields = [
            "username",
            "email",
            "first_name",
            "last_name",
            "phone",
            "phone_code",
            "payout_details",
        ]
        extra_kwargs = {"email": {"required": False}, "payout_details": {"required": False}}

    def validate(self, attrs: dict) -> dict:
        phone = attrs.get("phone")
        if phone and phone != self.instance.phone and not attrs.get("phone_code"):
            raise serializers.ValidationError(
                {"phone_code": [_("The code sent to the new phone is required to change it.")]}
            )
        return attrs

    def validate_username(self, value: str) -> str:
        if selectors.username_taken(username=value, by_other_than=self.instance):
            raise serializers.ValidationError(USERNAME_TAKEN)
        return value

    def validate_email(self, value: str) -> str:
        if selectors.email_taken(email=value, by_other_than=self.instance):
            raise serializers.ValidationError(EMAIL_TAKEN)
        return value


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(trim_whitespace=False, max_length=128, write_only=True)
    new_password = serializers.CharField(trim_whitespace=False, max_length=128, write_only=True)

    def validate_new_password(self, value: str) -> str:
        try:
            password_validation.validate_password(value, user=self.context["user"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from exc
        return value


class PhoneCodeRequestSerializer(serializers.Serializer):
    phone = SmsPhoneNumberField(
        help_text="National or international form; stored as E.164. Codes go only to numbers "
        "of the regions the platform serves (`PHONE_ALLOWED_REGIONS`, default RU)."
    )


class PhoneCodeSentSerializer(serializers.Serializer):
    detail = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the code stays valid")
    retry_after = serializers.IntegerField(help_text="Seconds before another code may be sent")


class PhoneVerifySerializer(serializers.Serializer):
    phone = PhoneNumberField()
    code = serializers.CharField(max_length=32, help_text="The one-time code from the SMS")
    invite_code = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=32,
        help_text=INVITE_CODE_HELP + " Only used when this sign-in registers the partner.",
    )
