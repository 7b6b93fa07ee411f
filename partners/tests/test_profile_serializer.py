"""The profile built by hand for speed says exactly what DRF's declared fields would."""

from decimal import Decimal

import pytest
from rest_framework import serializers

from catalog.tests.factories import BankFactory
from orders.tests.factories import OrderFactory
from partners import selectors
from partners.serializers import ProfileResponseSerializer
from payouts.models import CommissionKind
from payouts.tests.factories import CommissionFactory
from referrals.tests.factories import PartnerFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def declared(profile) -> dict:
    """What DRF's generic serialization of the declared fields gives."""
    return serializers.Serializer.to_representation(ProfileResponseSerializer(), profile)


@pytest.mark.parametrize("with_bank", [False, True])
def test_the_hand_built_profile_matches_its_declared_fields(with_bank):
    partner = PartnerFactory(bank=BankFactory() if with_bank else None, phone="+79991234567")
    referrer = PartnerFactory()
    ReferralFactory(referrer=referrer, referred=partner)
    for phone in ("+79990000001", None):
        ReferralFactory(referrer=partner, referred=PartnerFactory(phone=phone))
    OrderFactory(partner=partner, status="approved", reward="750.00")
    OrderFactory(partner=partner, status="new")
    CommissionFactory(partner=partner, kind=CommissionKind.REFERRAL_BONUS_1, amount="15.00")

    profile = selectors.partner_profile(partner=partner)
    built = ProfileResponseSerializer(profile).data
    expected = declared(profile)

    assert built == expected
    assert list(built) == ["User", "Success order", "Earnings"]
    [user], [expected_user] = built["User"], expected["User"]
    assert list(user.items()) == list(expected_user.items())  # the keys in the same order
    assert (user["bank"] is not None) is with_bank
    assert user["referrals_count"] == 2 and user["activated_code"] is not None
    assert [referral["phone"] for referral in user["referrals"]] == [None, "+7999***0001"]
    assert list(built["Earnings"].items()) == list(expected["Earnings"].items())
    assert built["Earnings"]["referral_bonus"] == "15.00"
    # The approved application above, and the one the commission's factory approved.
    assert len(built["Success order"]) == 2
    assert str(Decimal("750.00")) in [success["reward"] for success in built["Success order"]]
