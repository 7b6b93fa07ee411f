"""The profile's referral summary (one statement written out) answers what the ORM's rules
answer: `InviteCodeQuerySet.usable` for the own code, the referral for the code entered."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals import selectors
from referrals.models import InviteCode, Referral
from referrals.tests.factories import InviteCodeFactory, PartnerFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def orm_answer(partner) -> tuple:
    own = (
        InviteCode.objects.usable()
        .filter(user=partner)
        .order_by("-id")
        .values_list("code", flat=True)
        .first()
    )
    entered = Referral.objects.filter(referred=partner).values_list("code__code", flat=True)
    return own, entered.first(), Referral.objects.filter(referrer=partner).count()


@pytest.mark.parametrize(
    "state", ["personal", "expires later", "expired", "inactive", "deleted", "none"]
)
def test_the_summary_answers_as_the_orms_rules(state):
    partner = PartnerFactory()
    now = timezone.now()
    if state == "expires later":
        InviteCodeFactory(user=partner, expires_at=now + timedelta(hours=1))
    elif state == "expired":
        InviteCodeFactory(user=partner, expires_at=now - timedelta(seconds=1))
    elif state == "inactive":
        InviteCode.objects.filter(user=partner).update(is_active=False)
    elif state == "deleted":
        InviteCode.objects.filter(user=partner).update(deleted_at=now)
    elif state == "none":
        InviteCode.objects.filter(user=partner).delete()
    referrer = PartnerFactory()
    ReferralFactory(referrer=referrer, referred=partner)
    ReferralFactory.create_batch(3, referrer=partner)

    summary = selectors.referral_summary(partner=partner)

    answer = (summary["invite_code"], summary["activated_code"], summary["referrals_count"])
    assert answer == orm_answer(partner)
    assert (summary["invite_code"] is None) is (state in {"expired", "inactive", "deleted", "none"})
    assert summary["activated_code"] is not None
    assert summary["referrals_count"] == 3


def test_a_partner_nobody_referred_and_who_referred_nobody():
    partner = PartnerFactory()

    summary = selectors.referral_summary(partner=partner)

    assert summary["activated_code"] is None
    assert summary["referrals_count"] == 0
    assert summary["referrals"] == []
    assert summary["invite_code"] == orm_answer(partner)[0] is not None
