import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from accounts.fields import PhoneNumberField
from core.representation import PageItem, PageSerializer, moment, moments, money
from orders.models import STATUS_RANK, Order, OrderStatus, OrderStatusChange

INCOME_HELP = "The client's income: a positive amount with at most 2 decimals, as a string."


# The application's own fields that both its partner and its bank see, in the order shown.
APPLICATION_FIELDS = ["income", "email_client", "phone", "status", "view", "approval"]


def _application_part(order: Order) -> dict:
    return {
        "income": money(order.income),
        "email_client": order.email_client,
        "phone": order.phone,
        "status": order.status,
        "view": order.view,
        "approval": order.approval,
    }


def _application_part_of_row(row: dict) -> dict:
    """`_application_part` of a list's plain row (`orders.selectors.ORDER_ROW_COLUMNS`)."""
    status = row["status"]
    return {
        "income": money(row["income"]),
        "email_client": row["email_client"],
        "phone": row["phone"],
        "status": status,
        "view": STATUS_RANK[status] >= STATUS_RANK[OrderStatus.VIEWED],
        "approval": status == OrderStatus.APPROVED,
    }


class IdNameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# A plain decimal as people write it: Python's Decimal would also take `1_000`, `1e5`, `NaN`
# or digits of other scripts, none of which a bank expects in a form.
PLAIN_DECIMAL = re.compile(r"\s*[+-]?\d+(?:\.\d+)?\s*", re.ASCII)


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^\s*\+?\d{1,10}(?:\.\d{1,2})?\s*$",
        "example": "50000.00",
    }
)
class IncomeField(serializers.DecimalField):
    def to_internal_value(self, data):
        if isinstance(data, str) and not PLAIN_DECIMAL.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


def income_field(**kwargs) -> serializers.DecimalField:
    return IncomeField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), help_text=INCOME_HELP, **kwargs
    )


# --- Public referral link -------------------------------------------------------------------


class LandingPartnerSerializer(serializers.Serializer):
    username = serializers.CharField()


class LandingNamedSerializer(serializers.Serializer):
    name = serializers.CharField()


class LandingProductSerializer(IdNameSerializer):
    description = serializers.CharField()
    category = LandingNamedSerializer()
    bank = LandingNamedSerializer()


class LandingSerializer(serializers.Serializer):
    """What the landing page of a partner's link for a product shows.

    The fields document the shape; `to_representation` builds the same dict directly (every
    visit of a link answers it; orders/tests/test_serializers.py holds the two together).
    """

    partner = LandingPartnerSerializer()
    product = LandingProductSerializer()

    def to_representation(self, landing) -> dict:
        product = landing.product
        return {
            "partner": {"username": landing.partner.username},
            "product": {
                "id": product.pk,
                "name": product.name,
                "description": product.description,
                "category": {"name": product.category.name},
                "bank": {"name": product.bank.name},
            },
        }


class OrderLinkCreateSerializer(serializers.Serializer):
    """A client's application. Partner and product come from the link, never from the body."""

    income = income_field()
    email_client = serializers.EmailField(max_length=254)
    phone = PhoneNumberField(help_text="National or international form; stored as E.164.")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Application received",
            summary="A client's application, submitted at once",
            value={
                "id": 42,
                "income": "50000.00",
                "email_client": "client@example.com",
                "phone": "+79995551234",
                "user_id": {"username": "demo"},
                "product_id": {"name": "Cashback card"},
                "status": "new",
            },
            response_only=True,
        )
    ]
)
class OrderLinkCreatedSerializer(serializers.ModelSerializer):
    """The seed's answer to an application sent through a link: always `new` (a client's
    application is submitted at once; only partners keep drafts)."""

    user_id = LandingPartnerSerializer(source="partner")
    product_id = LandingNamedSerializer(source="product")

    class Meta:
        model = Order
        fields = ["id", "income", "email_client", "phone", "user_id", "product_id", "status"]

    def to_representation(self, order: Order) -> dict:
        """The declared fields' output, built directly (as `LandingSerializer`)."""
        return {
            "id": order.pk,
            "income": money(order.income),
            "email_client": order.email_client,
            "phone": order.phone,
            "user_id": {"username": order.partner.username},
            "product_id": {"name": order.product.name},
            "status": order.status,
        }


# --- Banks ----------------------------------------------------------------------------------

DECIDABLE_STATUSES = [
    OrderStatus.VIEWED,
    OrderStatus.APPROVED,
    OrderStatus.REJECTED,
    OrderStatus.REVERSED,
]


class BankDecisionSerializer(serializers.Serializer):
    """A bank's report on an application: at least one of `view`, `approval`, `status`.
    `false` flags change nothing."""

    schema_extra = {"minProperties": 1}

    view = serializers.BooleanField(required=False, help_text="true: the bank has seen it")
    approval = serializers.BooleanField(required=False, help_text="true: approved")
    status = serializers.ChoiceField(choices=DECIDABLE_STATUSES, required=False)
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="Kept in the history"
    )

    def validate(self, attrs: dict) -> dict:
        if not {"view", "approval", "status"} & set(attrs):
            raise serializers.ValidationError(_("Send at least one of view, approval, status."))
        return attrs


class BankDecisionResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["id", "view", "approval", "status"]

    def to_representation(self, order: Order) -> dict:
        """The declared fields' output, built directly (as `LandingSerializer`)."""
        return {
            "id": order.pk,
            "view": order.view,
            "approval": order.approval,
            "status": order.status,
        }


class BankOrderProductSerializer(IdNameSerializer):
    external_id = serializers.CharField(allow_null=True, help_text="The bank's own product id")


class BankOrderSerializer(PageItem, serializers.ModelSerializer):
    """An application as its bank sees it: the client's fields, not the partner's money.

    The fields document the shape; `to_representation` builds the same dict directly.
    """

    product = BankOrderProductSerializer()

    def to_representation(self, order: Order | dict) -> dict:
        if isinstance(order, dict):  # a list's row (`orders.selectors.order_rows_of_bank`)
            created_at, submitted_at = moments(
                self.zone, order["created_at"], order["submitted_at"]
            )
            return {
                "id": order["id"],
                "product": {
                    "id": order["product_id"],
                    "name": order["product__name"],
                    "external_id": order["product__external_id"],
                },
                **_application_part_of_row(order),
                "created_at": created_at,
                "submitted_at": submitted_at,
            }
        product = order.product
        created_at, submitted_at = moments(self.zone, order.created_at, order.submitted_at)
        return {
            "id": order.pk,
            "product": {"id": product.pk, "name": product.name, "external_id": product.external_id},
            **_application_part(order),
            "created_at": created_at,
            "submitted_at": submitted_at,
        }

    class Meta:
        model = Order
        list_serializer_class = PageSerializer
        fields = ["id", "product", *APPLICATION_FIELDS, "created_at", "submitted_at"]


# --- Partners -------------------------------------------------------------------------------


class OrderProductSerializer(IdNameSerializer):
    bank = IdNameSerializer()


class PartnerOrderSerializer(PageItem, serializers.ModelSerializer):
    """One of the partner's applications (drafts included).

    The fields document the shape; `to_representation` builds the same dict directly.
    """

    product = OrderProductSerializer()
    percent_user = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="The partner's percent, fixed when the application was submitted",
    )

    class Meta:
        model = Order
        list_serializer_class = PageSerializer
        fields = [
            "id",
            "product",
            *APPLICATION_FIELDS,
            "channel",
            "percent_user",
            "reward",
            "created_at",
            "submitted_at",
            "decided_at",
        ]

    def to_representation(self, order: Order | dict) -> dict:
        if isinstance(order, dict):  # a list's row (`orders.selectors.order_rows_of_partner`)
            created_at, submitted_at, decided_at = moments(
                self.zone, order["created_at"], order["submitted_at"], order["decided_at"]
            )
            return {
                "id": order["id"],
                "product": {
                    "id": order["product_id"],
                    "name": order["product__name"],
                    "bank": {"id": order["product__bank_id"], "name": order["product__bank__name"]},
                },
                **_application_part_of_row(order),
                "channel": order["channel"],
                "percent_user": order["percent_user"],
                "reward": money(order["reward"]),
                "created_at": created_at,
                "submitted_at": submitted_at,
                "decided_at": decided_at,
            }
        product = order.product
        created_at, submitted_at, decided_at = moments(
            self.zone, order.created_at, order.submitted_at, order.decided_at
        )
        return {
            "id": order.pk,
            "product": {
                "id": product.pk,
                "name": product.name,
                "bank": {"id": product.bank_id, "name": product.bank.name},
            },
            **_application_part(order),
            "channel": order.channel,
            "percent_user": order.percent_user,
            "reward": money(order.reward),
            "created_at": created_at,
            "submitted_at": submitted_at,
            "decided_at": decided_at,
        }


class OrderStatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderStatusChange
        fields = ["from_status", "to_status", "source", "reason", "created_at"]


class PartnerOrderDetailSerializer(PartnerOrderSerializer):
    history = OrderStatusChangeSerializer(many=True, read_only=True)

    class Meta(PartnerOrderSerializer.Meta):
        fields = [*PartnerOrderSerializer.Meta.fields, "history"]

    def to_representation(self, order: Order) -> dict:
        return {
            **super().to_representation(order),
            "history": OrderStatusChangeSerializer(order.history.all(), many=True).data,
        }


class OrderDraftCreateSerializer(serializers.Serializer):
    """A draft: only the product is needed now; what is given is checked as the form does."""

    product = serializers.IntegerField(min_value=1, help_text="The id of a product you may sell")
    income = income_field(required=False, allow_null=True)
    email_client = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = PhoneNumberField(required=False, allow_blank=True)


class OrderDraftConfirmSerializer(serializers.Serializer):
    """What the draft still lacks (or a correction); in the end every field must be there."""

    income = income_field(required=False, allow_null=True)
    email_client = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = PhoneNumberField(required=False, allow_blank=True)


class PartnerStatsQuerySerializer(serializers.Serializer):
    created_after = serializers.DateTimeField(
        required=False, help_text="At or after (ISO 8601 date or date-time)"
    )
    created_before = serializers.DateTimeField(
        required=False, help_text="Strictly before (ISO 8601 date or date-time)"
    )


class StatsFunnelSerializer(serializers.Serializer):
    clicks = serializers.IntegerField(help_text="Visits of the referral links")
    orders = serializers.IntegerField(help_text="Submitted applications (drafts do not count)")
    link_orders = serializers.IntegerField(help_text="Of those, sent by clients through links")
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()
    reversed = serializers.IntegerField(help_text="Approved, then reversed by the bank")
    conversion = serializers.FloatField(allow_null=True, help_text="link_orders / clicks")
    approval_rate = serializers.FloatField(
        allow_null=True, help_text="approved / (approved + rejected)"
    )
    total_reward = serializers.CharField(help_text="Money, two decimals")


class StatsByProductSerializer(StatsFunnelSerializer):
    product = IdNameSerializer()

    def to_representation(self, entry) -> dict:
        """The product leads its entry, as it always has (the schema lists it last)."""
        data = super().to_representation(entry)
        return {"product": data.pop("product"), **data}


class PartnerStatsSerializer(StatsFunnelSerializer):
    by_product = StatsByProductSerializer(many=True)


# --- Profile sections -----------------------------------------------------------------------


class SuccessOrderSerializer(PageItem, serializers.ModelSerializer):
    """An approved application in the profile, in the seed's shape."""

    # The fields document the shape; `to_representation` builds the same dict directly (the
    # profile shows 50 of them, and DRF's generic serialization was most of its time).

    product_id = IdNameSerializer(source="product")
    user_id = serializers.IntegerField(source="partner_id")

    class Meta:
        model = Order
        list_serializer_class = PageSerializer
        fields = [
            "id",
            "product_id",
            "income",
            "email_client",
            "phone",
            "view",
            "approval",
            "status",
            "reward",
            "created_at",
            "user_id",
        ]

    def to_representation(self, order: Order | dict) -> dict:
        if isinstance(order, dict):  # a row (`orders.selectors.approved_order_rows_recent`)
            part = _application_part_of_row(order)
            return {
                "id": order["id"],
                "product_id": {"id": order["product_id"], "name": order["product__name"]},
                "income": part["income"],
                "email_client": part["email_client"],
                "phone": part["phone"],
                "view": part["view"],
                "approval": part["approval"],
                "status": part["status"],
                "reward": money(order["reward"]),
                "created_at": moment(order["created_at"], self.zone),
                "user_id": order["partner_id"],
            }
        return {
            "id": order.pk,
            "product_id": {"id": order.product.pk, "name": order.product.name},
            "income": money(order.income),
            "email_client": order.email_client,
            "phone": order.phone,
            "view": order.view,
            "approval": order.approval,
            "status": order.status,
            "reward": money(order.reward),
            "created_at": moment(order.created_at, self.zone),
            "user_id": order.partner_id,
        }


class EarningsSerializer(serializers.Serializer):
    approved_orders = serializers.IntegerField()
    total_income = serializers.CharField(help_text="Money, two decimals")
    total_reward = serializers.CharField(help_text="Money, two decimals")
    referral_bonus = serializers.CharField(
        help_text="Money, two decimals: the bonuses earned on referred partners' applications"
    )
