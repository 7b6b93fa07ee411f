"""A partner's sign-up, written top-down across the apps it touches, in one transaction.

Every new partner, however it is created (a password, a phone, the admin, the demo data), gets
what `partner_onboard` gives: its personal invite code, and its referrer when it came with
someone's code. An unusable code is refused before anything is written, and checked again
inside the transaction, so a code deleted in between rolls the new partner back.
"""

from dataclasses import dataclass

from django.db import transaction

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.errors import InvalidPhoneCodeError
from accounts.phone_codes import phone_code_spend
from accounts.tokens import issue_token_pair
from referrals import services as referral_services


def partner_onboard(*, partner, invite_code: str | None = None) -> None:
    """What every new partner gets: its personal invite code, and `invite_code`'s owner as its
    referrer. Call inside the transaction that created the partner."""
    referral_services.invite_code_issue_personal(user=partner)
    if invite_code:
        referral_services.referral_join(partner=partner, invite_code=invite_code)


def partner_register(
    *,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    bank=None,
    invite_code: str | None = None,
):
    """`POST /api/auth/register/`: a partner with a password, referred by `invite_code`'s owner."""
    if invite_code:
        referral_services.invite_code_check(code=invite_code)
    with transaction.atomic():
        partner = account_services.partner_create(
            username=username,
            password=password,
            email=email,
            first_name=first_name,
            last_name=last_name,
            bank=bank,
        )
        partner_onboard(partner=partner, invite_code=invite_code)
    return partner


@dataclass(frozen=True)
class PhoneSignIn:
    user: object
    created: bool
    tokens: dict[str, str]


def partner_sign_in_by_phone(
    *, phone: str, code: str, invite_code: str | None = None
) -> PhoneSignIn:
    """Sign in with a one-time code; the first success for a new phone registers the partner.

    The invite code is checked first, so an unusable one leaves the one-time code unspent and
    creates nothing; it only counts when this sign-in registers the partner (a partner that
    exists applies a code through the referrals API). The code is spent and the partner
    created in one transaction: if the creation fails, the code stays usable. A deactivated
    partner gets the same answer as a wrong code.
    """
    if invite_code:
        referral_services.invite_code_check(code=invite_code)
    partner = None
    created = False
    with transaction.atomic():
        accepted = phone_code_spend(phone=phone, code=code)
        if accepted:
            partner = account_selectors.partner_by_phone(phone=phone)
            if partner is None:
                partner = account_services.partner_create_by_phone(phone=phone)
                partner_onboard(partner=partner, invite_code=invite_code)
                created = True
            elif not partner.is_active:
                raise InvalidPhoneCodeError()
    if not accepted or partner is None:
        # Raised after the commit, so the wrong try stays counted.
        raise InvalidPhoneCodeError()
    return PhoneSignIn(user=partner, created=created, tokens=issue_token_pair(partner))
