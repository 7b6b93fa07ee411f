"""The rules of the ledger and payouts that a request can break; `core.exceptions` answers each."""

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, ConflictError


class PayoutAlreadyRequestedError(ConflictError):
    default_detail = _("You already have a requested payout: wait for it, or cancel it.")


class PayoutBelowMinimumError(ApplicationError):
    """Raised with the minimum, so the partner knows how far it is."""

    def __init__(self, minimum) -> None:
        super().__init__(
            _("The available balance is below the minimum payout of %(minimum)s.")
            % {"minimum": minimum}
        )


class PayoutDetailsMissingError(ApplicationError):
    default_detail = _(
        "Set payout_details in your profile (PATCH /api/profile/update/) to say where to pay."
    )


class PayoutNotRequestedError(ConflictError):
    default_detail = _("Only a requested payout can be changed; this one is already settled.")
