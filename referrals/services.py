"""Writes of invite codes and referrals.

Locking order, everywhere: user rows first (`FOR NO KEY UPDATE`, by ascending id, in one
statement), then invite-code rows. Keeping one order is what keeps simultaneous requests from
deadlocking; `NO KEY` leaves foreign-key checks of other tables (a new order of the partner)
unblocked.
"""

import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.errors import ConflictError, NotFoundError
from referrals import selectors
from referrals.errors import (
    AlreadyReferredError,
    InvalidInviteCodeError,
    InviteCodeExpiryError,
    InviteCodeFormatError,
    InviteCodeTakenError,
    OwnInviteCodeError,
    ReferralCycleError,
)
from referrals.models import InviteCode, Referral

User = get_user_model()

# No 0/O, 1/I: a code read aloud or copied by hand is entered right.
GENERATED_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_CODE_LENGTH = 6
# Path segments of the API that a code in `/api/referrals/codes/{code}/` would shadow.
RESERVED_CODES = frozenset({"BY-EMAIL"})


class _ChainMoved(Exception):
    """The referrer chain's top gained a referrer between reading and locking it: retry."""


# --- Invite codes ---------------------------------------------------------------------------


def _lock_users(user_ids) -> dict[int, bool]:
    """Lock the users' rows, by ascending id; their `is_active` as seen under the lock."""
    rows = (
        User.objects.select_for_update(no_key=True)
        .filter(pk__in=set(user_ids))
        .order_by("pk")
        .values_list("pk", "is_active")
    )
    return dict(rows)


def _create_generated_code(*, user, expires_at=None) -> InviteCode:
    """A new active code of 6 characters without look-alikes; drawn again on a collision."""
    for _ in range(20):
        candidate = "".join(
            secrets.choice(GENERATED_CODE_ALPHABET) for _ in range(GENERATED_CODE_LENGTH)
        )
        try:
            with transaction.atomic():
                return InviteCode.objects.create(user=user, code=candidate, expires_at=expires_at)
        except IntegrityError:
            continue
    raise ConflictError("Could not generate a code, try again.")


def invite_code_issue_personal(*, user) -> InviteCode:
    """The personal code every new partner gets, whichever way it was created."""
    return _create_generated_code(user=user)


def invite_code_new_text(*, code: str) -> str:
    """The stored form of a code a partner (or an admin) picks, if it may be created: the
    format, reserved words and codes ever taken, whatever their state or letter case, are
    refused (400 on `code`)."""
    normalized = selectors.normalize_invite_code(code)
    if normalized is None:
        raise InviteCodeFormatError(field="code")
    if normalized in RESERVED_CODES or InviteCode.objects.filter(code=normalized).exists():
        raise InviteCodeTakenError(field="code")
    return normalized


def invite_code_create(*, partner, code: str | None = None, expires_at=None) -> InviteCode:
    """A new active code of the partner (`code`, or a generated one); the previous one ends.

    The partner's row is locked first, so two simultaneous requests end with one active code
    (the partial unique index would refuse a second one anyway). A code is taken for good,
    whatever its state or letter case, so a code once shared never leads to someone else.
    """
    if expires_at is not None and expires_at <= timezone.now():
        raise InviteCodeExpiryError(field="expires_at")
    normalized = None if code is None else invite_code_new_text(code=code)
    with transaction.atomic():
        _lock_users([partner.pk])
        InviteCode.objects.filter(user=partner, is_active=True).update(is_active=False)
        if normalized is None:
            return _create_generated_code(user=partner, expires_at=expires_at)
        try:
            with transaction.atomic():
                return InviteCode.objects.create(
                    user=partner, code=normalized, expires_at=expires_at
                )
        except IntegrityError as exc:
            # Someone took the same code at the same moment.
            raise InviteCodeTakenError(field="code") from exc


def invite_code_delete(*, partner, code: str) -> None:
    """Delete one of the partner's codes: it can no longer be entered. 404 when not its own."""
    normalized = selectors.normalize_invite_code(code)
    deleted = 0
    if normalized is not None:
        deleted = InviteCode.objects.filter(
            user=partner, code=normalized, deleted_at__isnull=True
        ).update(is_active=False, deleted_at=timezone.now())
    if not deleted:
        raise NotFoundError()


def invite_codes_deactivate(*, codes) -> int:
    """Deactivate these codes (the admin's action); the number that were active."""
    return codes.filter(is_active=True).update(is_active=False)


# --- Referrals ------------------------------------------------------------------------------


def _referral_create(*, partner, invite: InviteCode, field: str, new_partner: bool) -> Referral:
    """Make `invite`'s owner the referrer of `partner`. Call inside a transaction.

    A cycle can close only through the top of the referrer's chain (the one partner of that
    chain who has no referrer yet: every other link is set for good). So the partner, the
    referrer and that top are locked together; two requests that could close a cycle between
    them (A enters B's code while B enters A's, or longer rings) always share a locked row and
    run one after the other, and the second one sees the first one's referral. A partner being
    created right now has no referrals and cannot be in any chain: no cycle check is needed.
    """
    if invite.user_id == partner.pk:
        raise OwnInviteCodeError(field=field)
    if not new_partner:
        chain = selectors.referrer_chain(user_id=invite.user_id)
        top = chain[-1] if chain else invite.user_id
        active = _lock_users([partner.pk, invite.user_id, top])
        if not active.get(invite.user_id):
            raise InvalidInviteCodeError(field=field)
        if Referral.objects.filter(referred_id=partner.pk).exists():
            raise AlreadyReferredError()
        chain = selectors.referrer_chain(user_id=invite.user_id)
        if (chain[-1] if chain else invite.user_id) != top:
            raise _ChainMoved()
        if partner.pk in chain:
            raise ReferralCycleError(field=field)
    counted = InviteCode.objects.usable().filter(pk=invite.pk).update(uses=F("uses") + 1)
    if not counted:  # deactivated or deleted meanwhile
        raise InvalidInviteCodeError(field=field)
    try:
        with transaction.atomic():
            return Referral.objects.create(
                referred=partner, referrer_id=invite.user_id, code=invite
            )
    except IntegrityError as exc:
        raise AlreadyReferredError() from exc


def referral_apply(*, partner, code: str) -> Referral:
    """The partner enters `code`: its owner becomes the partner's referrer, once and for all.

    Own code, unusable code or a cycle: 400; a partner that already has a referrer: 409. Of
    twenty simultaneous identical requests one succeeds, the others see its referral (409).
    """
    for _ in range(5):
        invite = selectors.invite_code_usable(code=code)
        if invite is None:
            raise InvalidInviteCodeError(field="code")
        try:
            with transaction.atomic():
                return _referral_create(
                    partner=partner, invite=invite, field="code", new_partner=False
                )
        except _ChainMoved:
            continue
    raise ConflictError("The referrals changed meanwhile, try again.")


def invite_code_check(*, code: str) -> None:
    """Refuse an unusable invite code (400 on `invite_code`) before a partner is created with
    it, so that nothing is written for a sign-up that cannot succeed."""
    if selectors.invite_code_usable(code=code) is None:
        raise InvalidInviteCodeError(field="invite_code")


def referral_join(*, partner, invite_code: str) -> Referral:
    """A partner being created right now came with `invite_code`: its owner becomes the
    referrer. Call inside the transaction that creates the partner, so that a code that became
    unusable meanwhile rolls the partner back."""
    invite = selectors.invite_code_usable(code=invite_code)
    if invite is None:
        raise InvalidInviteCodeError(field="invite_code")
    return _referral_create(partner=partner, invite=invite, field="invite_code", new_partner=True)
