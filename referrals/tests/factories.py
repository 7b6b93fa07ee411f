import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from referrals.models import InviteCode, Referral


class InviteCodeFactory(factory.django.DjangoModelFactory):
    """An extra code of a partner; an active one replaces the partner's active code."""

    class Meta:
        model = InviteCode

    user = factory.SubFactory(UserFactory)
    code = factory.Sequence(lambda n: f"CODE-{n:04d}")
    is_active = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("is_active", True):
            model_class.objects.filter(user=kwargs["user"], is_active=True).update(is_active=False)
        return super()._create(model_class, *args, **kwargs)


class ReferralFactory(factory.django.DjangoModelFactory):
    """`referred` joined through `referrer`'s personal code."""

    class Meta:
        model = Referral

    referred = factory.SubFactory(UserFactory)
    referrer = factory.SubFactory(UserFactory)
    code = factory.LazyAttribute(
        lambda referral: InviteCode.objects.filter(user=referral.referrer, is_active=True).first()
    )
    created_at = factory.LazyFunction(timezone.now)


def personal_code(user) -> str:
    """The partner's active code (every partner gets one when created)."""
    return InviteCode.objects.get(user=user, is_active=True).code
