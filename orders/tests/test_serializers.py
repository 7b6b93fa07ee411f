"""The list items built by hand for speed say exactly what DRF's declared fields would."""

import pytest
from rest_framework import serializers

from orders import selectors
from orders.serializers import (
    BankOrderSerializer,
    PartnerOrderDetailSerializer,
    PartnerOrderSerializer,
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
    assert PartnerOrderDetailSerializer(detailed).data == declared(
        PartnerOrderDetailSerializer, detailed
    )
    for seen_by_bank in selectors.orders_of_bank(bank=bank):
        assert BankOrderSerializer(seen_by_bank).data == declared(BankOrderSerializer, seen_by_bank)
