from rest_framework import serializers

from accounts.phones import mask_phone
from referrals.models import InviteCode, Referral


class InviteCodeSerializer(serializers.ModelSerializer):
    """One of the partner's codes; an expired code shows `is_active: false`."""

    user_id = serializers.IntegerField(read_only=True)
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = InviteCode
        fields = ["id", "user_id", "code", "expires_at", "is_active", "uses", "created_at"]
        read_only_fields = fields

    def get_is_active(self, invite: InviteCode) -> bool:
        return invite.is_usable


class InviteCodeCreateSerializer(serializers.Serializer):
    code = serializers.CharField(
        required=False,
        max_length=32,
        help_text="4-32 characters of A-Z 0-9 - _ (any letter case, stored upper-case); "
        "omit it for a generated 6-character code.",
    )
    expires_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="In the future; omit it for no expiry."
    )


class InviteCodeLookupQuerySerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="The partner's e-mail (any letter case)")


class InviteCodeLookupSerializer(serializers.ModelSerializer):
    class Meta:
        model = InviteCode
        fields = ["code", "expires_at"]
        read_only_fields = fields


class ReferralApplySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text="Someone else's invite code")


class ReferralReferrerSerializer(serializers.Serializer):
    username = serializers.CharField()


class ReferralAppliedSerializer(serializers.Serializer):
    activated_code = serializers.CharField()
    referrer = ReferralReferrerSerializer()


class ReferredPartnerSerializer(serializers.ModelSerializer):
    """A partner someone brought in; the phone is masked."""

    id = serializers.IntegerField(source="referred.id", read_only=True)
    username = serializers.CharField(source="referred.username", read_only=True)
    phone = serializers.SerializerMethodField(help_text="Masked: +7999***4567")
    joined_at = serializers.DateTimeField(
        source="created_at", read_only=True, help_text="When it became this partner's referral"
    )
    code = serializers.CharField(
        source="code.code", read_only=True, allow_null=True, help_text="The code it entered"
    )

    class Meta:
        model = Referral
        fields = ["id", "username", "phone", "joined_at", "code"]

    def get_phone(self, referral: Referral) -> str | None:
        return mask_phone(referral.referred.phone)
