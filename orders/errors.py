"""The rules of applications that a request can break; `core.exceptions` answers each one."""

from core.errors import ApplicationError, ConflictError


class DuplicateApplicationError(ConflictError):
    default_detail = (
        "An application with this phone or e-mail for this product was sent in the last 24 hours."
    )


class FinalDecisionError(ConflictError):
    default_detail = "The application is already decided; this contradicts the decision."


class NotADraftError(ConflictError):
    default_detail = "Only a draft can be changed this way; this application is submitted."


class ProductUnavailableError(ConflictError):
    default_detail = "This product is no longer available to you."


class OwnLinkApplicationError(ApplicationError):
    """A partner applying through its own link with its own phone or e-mail: it would be paid
    a reward for itself. Raised with the field that is the partner's own."""

    default_detail = (
        "This is the partner's own {what}: a partner cannot apply through its own link."
    )

    def __init__(self, *, field: str, what: str) -> None:
        super().__init__(self.default_detail.format(what=what), field=field)


class ContradictoryDecisionError(ApplicationError):
    default_detail = "The fields contradict each other: send one decision."


class IncompleteApplicationError(ApplicationError):
    """Raised with the fields still missing, each named."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("This field is required.")
        self.missing = missing

    def as_data(self) -> dict:
        return {name: [self.detail] for name in self.missing}


class UnknownProductError(ApplicationError):
    default_detail = "Unknown product, or not one you may sell."
