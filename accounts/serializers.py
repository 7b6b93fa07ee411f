from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from catalog.models import Bank

User = get_user_model()


class RegisterSerializer(serializers.ModelSerializer):
    """Registration input. The password is write-only: it is never echoed back."""

    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    bank = serializers.PrimaryKeyRelatedField(
        queryset=Bank.objects.filter(is_active=True), required=False, allow_null=True
    )

    class Meta:
        model = User
        fields = ["id", "username", "password", "first_name", "last_name", "email", "bank"]
        read_only_fields = ["id"]
        extra_kwargs = {
            # Uniqueness regardless of case is checked below and by the database.
            "username": {"validators": []},
            "email": {"required": False},
        }

    def validate_username(self, value: str) -> str:
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError("A user with that username already exists.")
        return value

    def validate_email(self, value: str) -> str:
        if value and User.objects.filter(email__iexact=value).exists():
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
