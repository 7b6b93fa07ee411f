"""Simultaneous requests, with real threads on PostgreSQL: the rules hold under bursts."""

import pytest

from referrals import selectors
from referrals.models import InviteCode, Referral
from referrals.tests.factories import PartnerFactory, personal_code
from tests.clients import bearer_client
from tests.concurrency import run_at_once, skip_unless_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    skip_unless_postgresql()


def applying(partner, code: str):
    client = bearer_client(partner)
    return lambda: client.post("/api/referrals/apply/", {"code": code}, format="json").status_code


def assert_no_cycle() -> None:
    for referred_id in Referral.objects.values_list("referred_id", flat=True):
        assert referred_id not in selectors.referrer_chain(user_id=referred_id)


def test_twenty_identical_applies_succeed_once():
    partner, referrer = PartnerFactory(), PartnerFactory()
    code = personal_code(referrer)

    statuses = run_at_once([applying(partner, code) for _ in range(20)])

    assert sorted(statuses) == [200] + [409] * 19
    assert Referral.objects.get().referrer == referrer
    assert InviteCode.objects.get(code=code).uses == 1


def test_twenty_partners_entering_one_code_all_count():
    referrer = PartnerFactory()
    code = personal_code(referrer)
    partners = PartnerFactory.create_batch(20)

    statuses = run_at_once([applying(partner, code) for partner in partners])

    assert statuses == [200] * 20
    assert InviteCode.objects.get(code=code).uses == 20
    assert Referral.objects.filter(referrer=referrer).count() == 20


@pytest.mark.parametrize("round_", range(5))
def test_a_and_b_entering_each_others_code_at_once_never_make_a_cycle(round_):
    anna, boris = PartnerFactory(), PartnerFactory()

    statuses = run_at_once(
        [applying(anna, personal_code(boris)), applying(boris, personal_code(anna))]
    )

    assert sorted(statuses) == [200, 400]
    assert Referral.objects.count() == 1
    assert_no_cycle()


@pytest.mark.parametrize("round_", range(5))
def test_two_links_closing_a_longer_ring_at_once_never_both_succeed(round_):
    """anna<-boris<-clara and clara<-dora<-anna would be a ring of four.

    The two requests touch four different partners, so locking only the two partners of each
    request would let both through; the chain's top is locked too.
    """
    anna, boris, clara, dora = PartnerFactory.create_batch(4)
    assert (
        bearer_client(boris)
        .post("/api/referrals/apply/", {"code": personal_code(clara)})
        .status_code
        == 200
    )  # boris <- clara
    assert (
        bearer_client(dora).post("/api/referrals/apply/", {"code": personal_code(anna)}).status_code
        == 200
    )  # dora <- anna

    statuses = run_at_once(
        [applying(anna, personal_code(boris)), applying(clara, personal_code(dora))]
    )

    assert sorted(statuses) == [200, 400]
    assert Referral.objects.count() == 3
    assert_no_cycle()


def test_simultaneous_new_codes_leave_one_active():
    partner = PartnerFactory()
    client = bearer_client(partner)

    statuses = run_at_once(
        [lambda: client.post("/api/referrals/codes/", {}, format="json").status_code] * 8
    )

    assert statuses == [201] * 8
    assert InviteCode.objects.filter(user=partner).count() == 9
    assert InviteCode.objects.filter(user=partner, is_active=True).count() == 1


def test_one_custom_code_asked_by_many_partners_goes_to_one():
    partners = PartnerFactory.create_batch(8)

    def creating(partner):
        client = bearer_client(partner)
        return lambda: client.post("/api/referrals/codes/", {"code": "WANTED"}).status_code

    statuses = run_at_once([creating(partner) for partner in partners])

    assert sorted(statuses) == [201] + [400] * 7
    assert InviteCode.objects.filter(code="WANTED").count() == 1
    for partner in partners:
        assert InviteCode.objects.filter(user=partner, is_active=True).count() == 1
