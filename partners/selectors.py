"""Reads that gather what several apps know of a partner, top-down: each step is a call to
the app that owns the data, so the whole profile can be followed from here."""

from dataclasses import dataclass

from django.db.models import QuerySet

from catalog import selectors as catalog_selectors
from orders import selectors as order_selectors
from payouts import selectors as payout_selectors
from referrals import selectors as referral_selectors


def profile_user_item(*, partner) -> dict:
    """The profile's "User" item: the partner's own fields (`accounts`) and its referrals
    (`referrals`), as plain data."""
    return {
        "id": partner.pk,
        "username": partner.username,
        "email": partner.email,
        "phone": partner.phone,
        "bank": catalog_selectors.bank_by_id(partner.bank_id) if partner.bank_id else None,
        "first_name": partner.first_name,
        "last_name": partner.last_name,
        "payout_details": partner.payout_details,
        **referral_selectors.referral_summary(partner=partner),
    }


@dataclass(frozen=True)
class Profile:
    """`GET /api/profile/`: the seed's "User" list, "Success order" and "Earnings"."""

    user_items: list[dict]
    success_orders: QuerySet
    earnings: dict


def _earnings(*, partner) -> dict:
    """The profile's "Earnings": the approved applications (`orders`) and the referral
    bonuses the ledger holds (`payouts`). `total_reward` equals the ledger's `sale` entries net
    of reversals and clawbacks, since a reversed application no longer counts."""
    return {
        **order_selectors.earnings_of(partner=partner),
        "referral_bonus": order_selectors.money(
            payout_selectors.referral_bonuses_of(partner=partner)
        ),
    }


def partner_profile(*, partner) -> Profile:
    return Profile(
        user_items=[profile_user_item(partner=partner)],
        success_orders=order_selectors.approved_order_rows_recent(partner=partner),
        earnings=_earnings(partner=partner),
    )
