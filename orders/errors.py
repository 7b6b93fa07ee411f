"""The rules of applications that a request can break; `core.exceptions` answers each one."""

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, ConflictError


class DuplicateApplicationError(ConflictError):
    default_detail = _(
        "An application with this phone or e-mail for this product was sent in the last 24 hours."
    )


class FinalDecisionError(ConflictError):
    default_detail = _("The application is already decided; this contradicts the decision.")


class NotApprovedError(ConflictError):
    default_detail = _("Only an approved application can be reversed.")


class ReversalWindowClosedError(ConflictError):
    """Commissions older than the window may long be paid out and spent: a bank that finds out
    later settles it with the platform, not through the partner's ledger."""

    default_detail = _("The reversal window of this approval has closed.")


class NotADraftError(ConflictError):
    default_detail = _("Only a draft can be changed this way; this application is submitted.")


class ProductUnavailableError(ConflictError):
    default_detail = _("This product is no longer available to you.")


class OwnLinkApplicationError(ApplicationError):
    """A partner applying through its own link with its own phone or e-mail: it would be paid
    a reward for itself. Raised with the field that is the partner's own."""

    default_detail = _(
        "This is the partner's own {what}: a partner cannot apply through its own link."
    )

    def __init__(self, *, field: str, what: str) -> None:
        super().__init__(self.default_detail.format(what=what), field=field)


class ContradictoryDecisionError(ApplicationError):
    """`approval: true` with `status: rejected` (or `reversed`) asks two things at once."""

    default_detail = _("The fields contradict each other: send one decision.")


class IncompleteApplicationError(ApplicationError):
    """Raised with the fields still missing, each named."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(_("This field is required."))
        self.missing = missing

    def as_data(self) -> dict:
        return {name: [self.detail] for name in self.missing}


class UnknownProductError(ApplicationError):
    default_detail = _("Unknown product, or not one you may sell.")
