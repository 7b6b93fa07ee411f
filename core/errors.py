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


class ServiceUnavailableError(ApplicationError):
    """A dependency (the database, the shared store of counters) is down or hangs: a 503 with
    `Retry-After`, so a client can tell an outage it should retry from a bug."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("Service temporarily unavailable; try again shortly.")
    retry_after = 5


class SharedStoreUnavailable(ServiceUnavailableError):
    """The shared counters (Redis) did not answer: throttles cannot count, so the request is
    refused (fail closed) rather than let through uncounted."""

    default_detail = _("Rate limiting is temporarily unavailable; try again shortly.")


class DatabaseUnavailable(ServiceUnavailableError):
    default_detail = _("The database is temporarily unavailable; try again shortly.")
