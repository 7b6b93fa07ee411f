from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from orders.tests.factories import OrderFactory
from payouts.models import Commission, CommissionKind, CommissionStatus, Payout
from referrals.tests.factories import PartnerFactory


class CommissionFactory(factory.django.DjangoModelFactory):
    """A partner's `sale` on an approved application of its own, available now (held until
    yesterday); `available_at` in the future for a pending one."""

    class Meta:
        model = Commission

    partner = factory.SubFactory(PartnerFactory)
    order = factory.SubFactory(
        OrderFactory, partner=factory.SelfAttribute("..partner"), status="approved"
    )
    kind = CommissionKind.SALE
    amount = Decimal("100.00")
    status = CommissionStatus.PENDING
    available_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class PayoutFactory(factory.django.DjangoModelFactory):
    """A settled payout record (no commissions of its own unless given)."""

    class Meta:
        model = Payout

    partner = factory.SubFactory(PartnerFactory)
    amount = Decimal("1500.00")
    status = "cancelled"
    payout_details = "IBAN DE89 3704 0044 0532 0130 00"
