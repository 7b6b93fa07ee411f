import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from referrals.models import InviteCode, Referral
from referrals.services import invite_code_issue_personal


class PartnerFactory(UserFactory):
    """A partner as every sign-up leaves it: with its personal invite code
    (`partners.services.partner_onboard`)."""

    @factory.post_generation
    def personal_code(partner, create, extracted, **kwargs):
        if create:
            invite_code_issue_personal(user=partner)


class InviteCodeFactory(factory.django.DjangoModelFactory):
    """An extra code of a partner; an active one replaces the partner's active code."""

    class Meta:
        model = InviteCode

    user = factory.SubFactory(PartnerFactory)
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

    referred = factory.SubFactory(PartnerFactory)
    referrer = factory.SubFactory(PartnerFactory)
    code = factory.LazyAttribute(
        lambda referral: InviteCode.objects.filter(user=referral.referrer, is_active=True).first()
    )
    created_at = factory.LazyFunction(timezone.now)


def personal_code(user) -> str:
    """The partner's active code (every partner gets one when it signs up)."""
    return InviteCode.objects.get(user=user, is_active=True).code
