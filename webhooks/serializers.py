"""Input and output shapes of the webhook endpoints (the same for banks and partners)."""

from rest_framework import serializers

from core.outbox import BANK_EVENT_TYPES, PARTNER_EVENT_TYPES
from webhooks.models import DeliveryAttempt, Endpoint
from webhooks.transport import url_problem


class _WebhookPutSerializer(serializers.Serializer):
    url = serializers.URLField(
        max_length=2000, help_text="https only; not a loopback, private or reserved address"
    )
    event_types: tuple[str, ...] = ()

    def validate_url(self, url: str) -> str:
        problem = url_problem(url)
        if problem:
            raise serializers.ValidationError(problem)
        return url

    def validate_events(self, events: list[str]) -> list[str]:
        # Kept in the order of the types' list, each once.
        return [event_type for event_type in self.event_types if event_type in events]


class EventTypesField(serializers.ListField):
    """A list of event types whose errors are one flat list, as every field's are (DRF keys a
    list's errors by the item's index otherwise, a shape the schema's ValidationError is not)."""

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as exc:
            detail = exc.detail
            if isinstance(detail, dict):
                detail = [message for messages in detail.values() for message in messages]
            raise serializers.ValidationError(detail) from exc


def _events_field(event_types: tuple[str, ...]) -> serializers.ListField:
    return EventTypesField(
        child=serializers.ChoiceField(choices=event_types),
        required=False,
        min_length=1,
        max_length=10,
        help_text="Event types to receive; left out: every type you can receive",
    )


class BankWebhookPutSerializer(_WebhookPutSerializer):
    """Where to POST the bank's events, and which of them (all when `events` is left out)."""

    event_types = BANK_EVENT_TYPES
    events = _events_field(BANK_EVENT_TYPES)


class PartnerWebhookPutSerializer(_WebhookPutSerializer):
    """Where to POST the partner's events, and which of them (all when `events` is left out)."""

    event_types = PARTNER_EVENT_TYPES
    events = _events_field(PARTNER_EVENT_TYPES)


class WebhookSerializer(serializers.ModelSerializer):
    """A subscription, without its secret (shown only when created or rotated)."""

    events = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Endpoint
        fields = ["url", "events", "created_at", "updated_at"]


class WebhookCreatedSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.CharField())
    secret = serializers.CharField(
        allow_null=True,
        help_text=(
            "The signing secret (`whsec_...`) when the subscription was created by this call: "
            "keep it, it is not shown again. null when an existing one was changed."
        ),
    )

    class Meta:
        model = Endpoint
        fields = ["url", "events", "secret"]


class WebhookSecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret; the old one stops at once")


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    """One attempt to deliver an event."""

    event_id = serializers.SerializerMethodField(help_text="The `webhook-id` header")
    type = serializers.SerializerMethodField()
    attempt = serializers.IntegerField(source="number")

    class Meta:
        model = DeliveryAttempt
        fields = [
            "event_id",
            "type",
            "attempt",
            "status_code",
            "attempted_at",
            "delivered_at",
            "next_attempt_at",
            "error",
        ]

    def get_event_id(self, attempt: DeliveryAttempt) -> str:
        return attempt.delivery.event.webhook_id

    def get_type(self, attempt: DeliveryAttempt) -> str:
        return attempt.delivery.event.type
