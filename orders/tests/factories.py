from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from orders.models import ChangeSource, Order, OrderStatus, OrderStatusChange, ReferralClick
from orders.services import reward_for


class OrderFactory(factory.django.DjangoModelFactory):
    """A submitted (`new`) application; `status=...` for others, `DraftFactory` for drafts."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    partner = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    bank = factory.LazyAttribute(lambda order: order.product.bank)
    status = OrderStatus.NEW
    income = Decimal("1000.00")
    email_client = factory.Sequence(lambda n: f"client{n}@example.com")
    phone = factory.Sequence(lambda n: f"+7999{n:07d}")
    channel = "link"
    percent_user = factory.LazyAttribute(lambda order: order.product.percent_user)
    submitted_at = factory.LazyFunction(timezone.now)
    reward = factory.LazyAttribute(
        lambda order: (
            reward_for(income=order.income, percent=order.percent_user)
            if order.status == OrderStatus.APPROVED
            else None
        )
    )
    decided_at = factory.LazyAttribute(
        lambda order: (
            timezone.now() if order.status in (OrderStatus.APPROVED, OrderStatus.REJECTED) else None
        )
    )

    @factory.post_generation
    def recorded(order, create, extracted, **kwargs):
        """The history's first step, as a submission through a link (or a partner's new
        draft) leaves it."""
        if create:
            OrderStatusChange.objects.create(
                order=order,
                from_status="",
                to_status=order.status,
                source=ChangeSource.PARTNER if order.channel == "partner" else ChangeSource.CLIENT,
                created_at=order.created_at,
            )


class DraftFactory(OrderFactory):
    status = OrderStatus.DRAFT
    channel = "partner"
    income = None
    email_client = ""
    phone = ""
    percent_user = None
    submitted_at = None


class ReferralClickFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralClick

    partner = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
