"""Reads of invite codes and referrals, including the partner's profile fields."""

import re

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.phones import mask_phone
from referrals.models import INVITE_CODE_PATTERN, InviteCode, Referral

User = get_user_model()

PROFILE_REFERRALS_LIMIT = 100
_CODE_RE = re.compile(INVITE_CODE_PATTERN)


def normalize_invite_code(code: str) -> str | None:
    """The stored form (upper-case) of `code`, or None when it cannot be a code at all."""
    value = (code or "").strip().upper()
    return value if _CODE_RE.fullmatch(value) else None


def usable_codes() -> QuerySet[InviteCode]:
    """Codes that can be entered now (`InviteCodeQuerySet.usable()`) of an active partner."""
    return InviteCode.objects.usable().filter(user__is_active=True)


def invite_code_usable(*, code: str) -> InviteCode | None:
    """The usable code matching `code` regardless of letter case, if any."""
    normalized = normalize_invite_code(code)
    if normalized is None:
        return None
    return usable_codes().filter(code=normalized).first()


def invite_codes_of(*, partner) -> QuerySet[InviteCode]:
    """The partner's own codes, oldest first; deleted ones are gone from its list."""
    return InviteCode.objects.filter(user=partner, deleted_at__isnull=True).order_by("id")


def invite_code_by_email(*, email: str) -> InviteCode | None:
    """The usable code of the partner with that e-mail (any letter case), if any."""
    if not email:
        return None
    return (
        usable_codes()
        .filter(user__in=User.objects.with_email(email).values("pk"))
        .order_by("-id")
        .first()
    )


def referrer_chain(*, user_id: int) -> list[int]:
    """The ids up the referrer chain of `user_id`, nearest first (its referrer, then that one's).

    One recursive query, whatever the depth. The depth bound only guards against a cycle
    that the services never let exist.
    """
    table = Referral._meta.db_table
    sql = f"""
        WITH RECURSIVE chain(user_id, depth) AS (
            SELECT referrer_id, 1 FROM {table} WHERE referred_id = %s
            UNION ALL
            SELECT r.referrer_id, c.depth + 1
            FROM {table} r JOIN chain c ON r.referred_id = c.user_id
            WHERE c.depth < 100000
        )
        SELECT user_id FROM chain ORDER BY depth
    """  # noqa: S608 - the table name is the model's, the value a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        return [row[0] for row in cursor.fetchall()]


def referrers_up(*, partner_id: int, levels: int) -> list:
    """The partner's referrer, that one's referrer, ... at most `levels` of them, nearest
    first, as users. One query per level (the referral bonus needs two)."""
    chain: list = []
    current = partner_id
    for _ in range(levels):
        referral = Referral.objects.select_related("referrer").filter(referred_id=current).first()
        if referral is None:
            break
        chain.append(referral.referrer)
        current = referral.referrer_id
    return chain


def referrals_of(*, referrer_id: int) -> QuerySet[Referral]:
    """The partners `referrer_id` brought in, most recent first, ready for listing."""
    return (
        Referral.objects.filter(referrer_id=referrer_id)
        .select_related("referred", "code")
        .only(
            "id",
            "created_at",
            "referred__id",
            "referred__username",
            "referred__phone",
            "code__id",
            "code__code",
        )
        .order_by("-created_at", "-id")
    )


def referrals_visible_to(*, viewer, user_id: int) -> QuerySet[Referral] | None:
    """`user_id`'s referrals if `viewer` may see them (itself, or staff), else None.

    None as well for an unknown id, so that "not yours" and "does not exist" look alike.
    """
    if viewer.pk != user_id and not viewer.is_staff:
        return None
    if viewer.pk != user_id and not User.objects.filter(pk=user_id).exists():
        return None
    return referrals_of(referrer_id=user_id)


def _summary_sql() -> str:
    """The referral summary's one statement: the partner's own usable code (the rule of
    `InviteCodeQuerySet.usable`: active, not deleted, not expired), the code it entered and how
    many partners it brought in. Written out rather than built by the ORM, whose three
    correlated subqueries cost more to build than PostgreSQL took to run them; a test holds it
    to the ORM's answer for codes in every state."""
    codes, referrals = InviteCode._meta.db_table, Referral._meta.db_table
    return f"""
        SELECT
            (SELECT code FROM {codes}
             WHERE user_id = %s AND is_active AND deleted_at IS NULL
               AND (expires_at IS NULL OR expires_at > %s)
             ORDER BY id DESC LIMIT 1),
            (SELECT c.code FROM {referrals} r LEFT JOIN {codes} c ON c.id = r.code_id
             WHERE r.referred_id = %s ORDER BY r.created_at DESC, r.id DESC LIMIT 1),
            (SELECT COUNT(*) FROM {referrals} WHERE referrer_id = %s)
    """  # noqa: S608 - the table names are the models', the values parameters


def referral_summary(*, partner) -> dict:
    """What the profile shows of the partner's referrals, as plain data, in two queries
    whatever the number of referrals: its own active code, the code it entered, how many
    partners it brought in and the most recent of them (phones masked)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_summary_sql(), [partner.pk, now, partner.pk, partner.pk])
        own_code, activated, total = cursor.fetchone()
    recent = referrals_of(referrer_id=partner.pk).values_list(
        "referred__username", "referred__phone"
    )[:PROFILE_REFERRALS_LIMIT]
    return {
        "invite_code": own_code,
        "activated_code": activated,
        "referrals_count": total,
        "referrals": [
            {"username": username, "phone": mask_phone(phone)} for username, phone in recent
        ],
    }


def invite_code_of(*, partner) -> str | None:
    """The partner's own active code (what the profile shows as `invite_code`), or None."""
    return (
        InviteCode.objects.usable()
        .filter(user=partner)
        .order_by("-id")
        .values_list("code", flat=True)
        .first()
    )
