"""The domain's error types. Services raise them; `core.exceptions.exception_handler` answers
each with its `status_code` in DRF's shapes. Every app derives its own in its `errors.py`."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status


class ApplicationError(Exception):
    """A broken domain rule. Services raise it; the handler answers `status_code`.

    With `field` the answer is a validation shape `{"field": [detail]}`, else `{"detail": ...}`.
    """

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Invalid request.")

    def __init__(self, detail: str | None = None, *, field: str | None = None) -> None:
        self.detail = detail or self.default_detail
        self.field = field
        super().__init__(self.detail)

    def as_data(self) -> dict:
        if self.field:
            return {self.field: [self.detail]}
        return {"detail": self.detail}


class NotFoundError(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    default_detail = _("Not found.")


class ConflictError(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Conflict with the current state.")
