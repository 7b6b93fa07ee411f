"""Shapes of the endpoints that show what several apps know of a partner: the profile and the
answer of a phone sign-in."""

from rest_framework import serializers

from orders.serializers import EarningsSerializer, SuccessOrderSerializer


class ProfileBankSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProfileReferralSerializer(serializers.Serializer):
    username = serializers.CharField()
    phone = serializers.CharField(allow_null=True, help_text="Masked: +7999***4567")


class ProfileUserSerializer(serializers.Serializer):
    """The profile's "User" item: the partner's own fields and its referrals."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    phone = serializers.CharField(allow_null=True, help_text="E.164")
    bank = ProfileBankSerializer(allow_null=True)
    first_name = serializers.CharField(allow_blank=True)
    last_name = serializers.CharField(allow_blank=True)
    payout_details = serializers.CharField(
        allow_blank=True, help_text="Where payouts go (your own, unmasked)"
    )
    invite_code = serializers.CharField(allow_null=True, help_text="The partner's active code")
    activated_code = serializers.CharField(allow_null=True, help_text="The code it entered")
    referrals_count = serializers.IntegerField()
    referrals = ProfileReferralSerializer(many=True, help_text="The 100 most recent")


class ProfileResponseSerializer(serializers.Serializer):
    """`GET /api/profile/` (`partners.selectors.partner_profile`), with the seed's keys."""

    # The fields document the shape; `to_representation` builds the same dict directly from
    # the selector's plain data (the test of this module checks it against DRF's generic
    # serialization): the nested serializers were a quarter of the profile's time.

    def get_fields(self):
        # The seed's keys are not Python names ("Success order"), so they are declared here.
        return {
            "User": ProfileUserSerializer(many=True, source="user_items"),
            "Success order": SuccessOrderSerializer(many=True, source="success_orders"),
            "Earnings": EarningsSerializer(source="earnings"),
        }

    def to_representation(self, profile) -> dict:
        success = SuccessOrderSerializer(many=True)  # a page: the time zone looked up once
        return {
            "User": [profile_user_representation(item) for item in profile.user_items],
            "Success order": success.to_representation(profile.success_orders),
            "Earnings": {
                "approved_orders": profile.earnings["approved_orders"],
                "total_income": profile.earnings["total_income"],
                "total_reward": profile.earnings["total_reward"],
                "referral_bonus": profile.earnings["referral_bonus"],
            },
        }


def profile_user_representation(item: dict) -> dict:
    """`ProfileUserSerializer(item).data` for `partners.selectors.profile_user_item`'s data."""
    bank = item["bank"]
    return {
        "id": item["id"],
        "username": item["username"],
        "email": item["email"],
        "phone": item["phone"],
        "bank": None if bank is None else {"id": bank.pk, "name": bank.name},
        "first_name": item["first_name"],
        "last_name": item["last_name"],
        "payout_details": item["payout_details"],
        "invite_code": item["invite_code"],
        "activated_code": item["activated_code"],
        "referrals_count": item["referrals_count"],
        "referrals": [
            {"username": referral["username"], "phone": referral["phone"]}
            for referral in item["referrals"]
        ],
    }


class ProfileUpdatedSerializer(serializers.Serializer):
    User = ProfileUserSerializer(many=True)
    access = serializers.CharField(required=False, help_text="Only when earlier tokens ended")
    refresh = serializers.CharField(required=False, help_text="Only when earlier tokens ended")


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
