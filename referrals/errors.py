"""What can go wrong with invite codes and referrals."""

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, ConflictError


class InvalidInviteCodeError(ApplicationError):
    """Unknown, expired, deleted, deactivated: one message, nothing to enumerate."""

    default_detail = _("Invalid or expired invite code.")


class InviteCodeFormatError(ApplicationError):
    default_detail = _("A code is 4-32 characters: letters A-Z, digits, '-' and '_'.")


class InviteCodeTakenError(ApplicationError):
    default_detail = _("This code is taken.")


class InviteCodeExpiryError(ApplicationError):
    default_detail = _("The expiry must be in the future.")


class OwnInviteCodeError(ApplicationError):
    default_detail = _("You cannot enter your own invite code.")


class AlreadyReferredError(ConflictError):
    default_detail = _("You already have a referrer.")


class ReferralCycleError(ApplicationError):
    default_detail = _("This code's owner joined through you: entering it would make a cycle.")
