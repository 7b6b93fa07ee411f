import unicodedata

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from rest_framework import serializers

from accounts.phones import PhoneNumberField
from catalog.models import Bank

User = get_user_model()

# The model's own check (letters, digits and @.+-_), without its case-sensitive uniqueness,
# which the serializers check regardless of case. A username is part of the partner's links,
# so one of dots alone (`..`) is refused too.
USERNAME_VALIDATORS = [
    UnicodeUsernameValidator(),
    RegexValidator(
        r"^\.+$", inverse_match=True, message="A username cannot be made of dots alone."
    ),
]

USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length
USERNAME_HELP = (
    "Letters, digits and @.+-_ only; unique regardless of letter case. Stored NFKC-normalised "
    "(`ﬁnn` is `finn`)."
)


class UsernameField(serializers.CharField):
    """A username, NFKC-normalised before any check, as Django's own forms do.

    Without it, names that look alike but differ in code points (`ﬁnn` and `finn`; `sam` spelt
    with the long s, U+017F, and `sam`) could be registered side by side, whatever the
    database thinks of their case.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", USERNAME_MAX_LENGTH)
        kwargs.setdefault("validators", USERNAME_VALIDATORS)
        kwargs.setdefault("help_text", USERNAME_HELP)
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        return unicodedata.normalize("NFKC", super().to_internal_value(data))


class BankIdField(serializers.PrimaryKeyRelatedField):
    """A bank's id: a JSON integer or a string of digits, nothing else.

    DRF's own field passes anything to `int()`: `1.5` became bank 1 and `1e400` (infinity) an
    `OverflowError`, a 500.
    """

    def to_internal_value(self, data):
        if isinstance(data, str) and data.isascii() and data.isdigit():
            if len(data) > 20:  # more than any id can have: spare int() a huge string
                self.fail("does_not_exist", pk_value=f"{data[:20]}...")
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


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
        if User.objects.with_username(value).exists():
            raise serializers.ValidationError("A user with that username already exists.")
        return value

    def validate_email(self, value: str) -> str:
        if value and User.objects.with_email(value).exists():
            raise serializers.ValidationError("A user with that e-mail already exists.")
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


class ProfileBankSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProfileReferralSerializer(serializers.Serializer):
    username = serializers.CharField()
    phone = serializers.CharField(allow_null=True, help_text="Masked: +7999***4567")


class ProfileUserSerializer(serializers.Serializer):
    """The profile's "User" item (documentation of `accounts.selectors.profile_user_item`)."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    phone = serializers.CharField(allow_null=True, help_text="E.164")
    bank = ProfileBankSerializer(allow_null=True)
    first_name = serializers.CharField(allow_blank=True)
    last_name = serializers.CharField(allow_blank=True)
    invite_code = serializers.CharField(allow_null=True, help_text="The partner's active code")
    activated_code = serializers.CharField(allow_null=True, help_text="The code it entered")
    referrals_count = serializers.IntegerField()
    referrals = ProfileReferralSerializer(many=True, help_text="The 100 most recent")


class ProfileResponseSerializer(serializers.Serializer):
    """`GET /api/profile/`; the sections other apps register are documented by them."""

    def get_fields(self):
        from accounts.selectors import profile_section_schemas

        fields = {"User": ProfileUserSerializer(many=True)}
        for name, make_field in profile_section_schemas().items():
            fields[name] = make_field()
        return fields


class ProfileUpdatedSerializer(serializers.Serializer):
    User = ProfileUserSerializer(many=True)
    access = serializers.CharField(required=False, help_text="Only when earlier tokens ended")
    refresh = serializers.CharField(required=False, help_text="Only when earlier tokens ended")


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
        fields = ["username", "email", "first_name", "last_name", "phone", "phone_code"]
        extra_kwargs = {"email": {"required": False}}

    def validate(self, attrs: dict) -> dict:
        phone = attrs.get("phone")
        if phone and phone != self.instance.phone and not attrs.get("phone_code"):
            raise serializers.ValidationError(
                {"phone_code": ["The code sent to the new phone is required to change it."]}
            )
        return attrs

    def validate_username(self, value: str) -> str:
        taken = User.objects.with_username(value).exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError("A user with that username already exists.")
        return value

    def validate_email(self, value: str) -> str:
        taken = User.objects.with_email(value).exclude(pk=self.instance.pk)
        if value and taken.exists():
            raise serializers.ValidationError("A user with that e-mail already exists.")
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
    phone = PhoneNumberField(help_text="National or international form; stored as E.164.")


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


class PhoneSignInUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    phone = serializers.CharField(help_text="E.164")
    invite_code = serializers.CharField(allow_null=True, help_text="The partner's active code")


class PhoneSignInSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    created = serializers.BooleanField(help_text="True when this sign-in registered the partner")
    user = PhoneSignInUserSerializer()
