from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# 4-32 characters; stored upper-case, so the plain unique index is case-insensitive.
INVITE_CODE_PATTERN = r"^[A-Z0-9_-]{4,32}$"


class InviteCodeQuerySet(models.QuerySet):
    def usable(self):
        """Codes that can be entered now: active, not deleted and not expired.

        The one statement of the rule; `InviteCode.is_usable` is the same test of one row in
        memory, for a code already loaded.
        """
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now()),
            is_active=True,
            deleted_at__isnull=True,
        )


class InviteCode(models.Model):
    """A code a partner hands out so that whoever enters it becomes its referral.

    Codes are matched regardless of case: they are stored upper-case (a check constraint
    holds every row to that), so the unique index alone makes "abc1" and "ABC1" one code.
    A partner has at most one active code, enforced by a partial unique index so that two
    simultaneous requests cannot leave two. A deleted code keeps its row (and stays taken,
    so nobody else can pick up a code that was shared around) but can no longer be used;
    an expired one is shown as inactive.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invite_codes"
    )
    code = models.CharField(max_length=32, unique=True)
    is_active = models.BooleanField(default=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0, help_text="Partners who entered this code")
    created_at = models.DateTimeField(default=timezone.now)

    objects = InviteCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("invite code")
        verbose_name_plural = _("invite codes")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_active=True),
                name="referrals_invitecode_one_active_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=INVITE_CODE_PATTERN),
                name="referrals_invitecode_code_format",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_usable(self) -> bool:
        """`InviteCodeQuerySet.usable()` for this row: what the API shows as `is_active`."""
        return (
            self.is_active
            and self.deleted_at is None
            and (self.expires_at is None or self.expires_at > timezone.now())
        )


class Referral(models.Model):
    """`referred` joined through `referrer` (by entering `code`, when there was one).

    One row per referred partner (the one-to-one is the database's guarantee of "at most one
    referrer, set once"), never oneself (a check constraint), and never closing a cycle: that
    one cannot be a constraint, so `referrals.services` checks it under row locks.
    """

    referred = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral"
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals_made"
    )
    code = models.ForeignKey(
        InviteCode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["referrer", "-created_at", "-id"], name="referrals_by_referrer_recent"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(referred=models.F("referrer")),
                name="referrals_referral_not_self",
            )
        ]

    def __str__(self) -> str:
        return f"{self.referred_id} <- {self.referrer_id}"
