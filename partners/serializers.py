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

    def get_fields(self):
        # The seed's keys are not Python names ("Success order"), so they are declared here.
        return {
            "User": ProfileUserSerializer(many=True, source="user_items"),
            "Success order": SuccessOrderSerializer(many=True, source="success_orders"),
            "Earnings": EarningsSerializer(source="earnings"),
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
