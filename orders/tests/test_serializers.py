"""The list items built by hand for speed say exactly what DRF's declared fields would."""

import pytest
from rest_framework import serializers

from orders import selectors
from orders.serializers import (
    BankOrderSerializer,
    PartnerOrderDetailSerializer,
    PartnerOrderSerializer,
    SuccessOrderSerializer,
)
from orders.tests.factories import DraftFactory, OrderFactory

pytestmark = pytest.mark.django_db


def declared(serializer_class, order) -> dict:
    """What DRF's generic serialization of the declared fields gives."""
    return serializers.ModelSerializer.to_representation(serializer_class(), order)


@pytest.mark.parametrize("status", ["draft", "new", "viewed", "approved", "rejected"])
def test_hand_built_items_match_declared_fields(status):
    order = DraftFactory() if status == "draft" else OrderFactory(status=status)
    partner, bank = order.partner, order.product.bank

    [listed] = selectors.orders_of_partner(partner=partner)
    [detailed] = selectors.order_of_partner_with_history(partner=partner)

    assert PartnerOrderSerializer(listed).data == declared(PartnerOrderSerializer, listed)
    [row] = selectors.order_rows_of_partner(partner=partner)
    assert PartnerOrderSerializer(row).data == declared(PartnerOrderSerializer, listed)
    assert PartnerOrderDetailSerializer(detailed).data == declared(
        PartnerOrderDetailSerializer, detailed
    )
    rows = selectors.order_rows_of_bank(bank=bank)
    for seen_by_bank, row in zip(selectors.orders_of_bank(bank=bank), rows, strict=True):
        assert BankOrderSerializer(seen_by_bank).data == declared(BankOrderSerializer, seen_by_bank)
        assert BankOrderSerializer(row).data == declared(BankOrderSerializer, seen_by_bank)
    if status == "approved":
        [success] = selectors.approved_orders_recent(partner=partner)
        built = SuccessOrderSerializer(success).data
        assert built == declared(SuccessOrderSerializer, success)
        assert list(built) == SuccessOrderSerializer.Meta.fields  # the keys in the same order
        [row] = selectors.approved_order_rows_recent(partner=partner)
        assert list(SuccessOrderSerializer(row).data.items()) == list(built.items())


@pytest.mark.parametrize("zone", ["UTC", "Europe/Moscow", "America/St_Johns"])
def test_a_page_of_items_matches_declared_fields_in_the_current_time_zone(settings, zone):
    """A page (`many=True`) looks the time zone up once for its items (`PageSerializer`)."""
    settings.TIME_ZONE = zone
    order = OrderFactory(status="approved", reward="12.50")
    OrderFactory(partner=order.partner, product=order.product, status="new")
    partner, bank = order.partner, order.product.bank

    listed = list(selectors.orders_of_partner(partner=partner))
    rows = list(selectors.order_rows_of_partner(partner=partner))
    expected = [declared(PartnerOrderSerializer, item) for item in listed]
    assert PartnerOrderSerializer(listed, many=True).data == expected
    assert PartnerOrderSerializer(rows, many=True).data == expected
    assert "+00:00" not in str(expected)
    seen_by_bank = list(selectors.orders_of_bank(bank=bank))
    assert BankOrderSerializer(selectors.order_rows_of_bank(bank=bank), many=True).data == [
        declared(BankOrderSerializer, item) for item in seen_by_bank
    ]
    [success] = selectors.approved_orders_recent(partner=partner)
    assert SuccessOrderSerializer(
        selectors.approved_order_rows_recent(partner=partner), many=True
    ).data == [declared(SuccessOrderSerializer, success)]


@pytest.mark.parametrize("ranged", [False, True])
def test_the_statistics_are_already_in_their_serializers_shape(ranged):
    """`GET /api/stats/` answers `partner_stats` as it is: it must be what the documented
    serializer would write, to the key order, for all time and for a range of days."""
    from datetime import timedelta

    from django.utils import timezone

    from orders.serializers import PartnerStatsSerializer
    from orders.tests.factories import ReferralClickFactory

    order = OrderFactory(status="approved", reward="12.50")
    partner = order.partner
    OrderFactory(partner=partner, status="rejected")
    ReferralClickFactory(partner=partner, product=order.product)
    now = timezone.now()
    window = {"created_after": now - timedelta(days=3), "created_before": now} if ranged else {}

    stats = selectors.partner_stats(partner=partner, **window)

    written = PartnerStatsSerializer(stats).data
    assert stats["orders"] == 2 and stats["clicks"] == 1 and stats["total_reward"] == "12.50"
    assert stats == written
    assert list(stats) == list(written)
    for entry, written_entry in zip(stats["by_product"], written["by_product"], strict=True):
        assert list(entry.items()) == list(written_entry.items())
        assert list(entry["product"].items()) == list(written_entry["product"].items())


@pytest.mark.parametrize("status", ["new", "viewed", "approved", "rejected"])
def test_hand_built_answers_of_links_and_decisions_match_declared_fields(status):
    from orders.serializers import (
        BankDecisionResultSerializer,
        LandingSerializer,
        OrderLinkCreatedSerializer,
    )
    from orders.services import Landing

    order = OrderFactory(status=status, product__description="A card\nwith cashback")
    landing = Landing(partner=order.partner, product=order.product)

    generic = serializers.Serializer.to_representation
    for serializer_class, instance in (
        (LandingSerializer, landing),
        (OrderLinkCreatedSerializer, order),
        (BankDecisionResultSerializer, order),
    ):
        built = serializer_class(instance).data
        expected = generic(serializer_class(), instance)
        assert built == expected, serializer_class.__name__
        assert list(built) == list(expected)  # the keys in the same order
