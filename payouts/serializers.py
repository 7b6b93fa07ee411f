"""Input and output shapes of the ledger and payouts endpoints."""

from rest_framework import serializers

from accounts.payout_details import mask_payout_details
from core.representation import PageItem, PageSerializer, moments, money
from payouts.models import CURRENCY, Commission, CommissionStatus, Payout

MONEY_HELP = "Money, two decimals"


class BalanceSerializer(serializers.Serializer):
    pending = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Held until each commission's available_at"
    )
    available = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="Free to request; negative after a clawback not yet netted",
    )
    requested = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="In the requested payout"
    )
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Paid out")
    currency = serializers.ChoiceField(choices=[CURRENCY])


class CommissionProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CommissionOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product = CommissionProductSerializer()


class CommissionSerializer(PageItem, serializers.ModelSerializer):
    """One entry of the partner's ledger.

    The fields document the shape; `to_representation` builds the same dict directly (a page
    of 200 through DRF's nested serializers costs more than its query).
    """

    order = CommissionOrderSerializer()
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="Money; negative for a clawback"
    )
    status = serializers.ChoiceField(
        choices=CommissionStatus.choices, help_text="pending until available_at, then available"
    )
    payout = serializers.IntegerField(
        allow_null=True, help_text="The payout that requested or paid it"
    )

    class Meta:
        model = Commission
        list_serializer_class = PageSerializer
        fields = [
            "id",
            "order",
            "partner",
            "kind",
            "amount",
            "status",
            "available_at",
            "created_at",
            "payout",
        ]

    def to_representation(self, commission: Commission) -> dict:
        order = commission.order
        available_at, created_at = moments(
            self.zone, commission.available_at, commission.created_at
        )
        return {
            "id": commission.pk,
            "order": {
                "id": order.pk,
                "product": {"id": order.product.pk, "name": order.product.name},
            },
            "partner": commission.partner_id,
            "kind": commission.kind,
            "amount": money(commission.amount, max_digits=14),
            "status": getattr(commission, "current_status", commission.status),
            "available_at": available_at,
            "created_at": created_at,
            "payout": commission.payout_id,
        }


class PayoutSerializer(serializers.ModelSerializer):
    """A payout as its partner's lists show it: the details masked."""

    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text=MONEY_HELP)
    currency = serializers.SerializerMethodField()
    payout_details = serializers.SerializerMethodField(
        help_text="Where it is paid, masked: ****1234"
    )

    class Meta:
        model = Payout
        fields = [
            "id",
            "amount",
            "currency",
            "status",
            "created_at",
            "commissions_count",
            "payout_details",
            "decided_at",
            "reference",
            "reason",
        ]

    def get_currency(self, payout: Payout) -> str:
        return CURRENCY

    def get_payout_details(self, payout: Payout) -> str:
        return mask_payout_details(payout.payout_details)


class PayoutDetailSerializer(PayoutSerializer):
    """One payout with its commissions (none once cancelled or rejected: they were given back)
    and its details in full."""

    payout_details = serializers.CharField(help_text="Where it is paid")
    commissions = CommissionSerializer(many=True, read_only=True)

    class Meta(PayoutSerializer.Meta):
        fields = [*PayoutSerializer.Meta.fields, "commissions"]
