"""The one handler that turns every error under /api/ into DRF's JSON shapes."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import (
    ApplicationError,
    ConflictError,
    DatabaseUnavailable,
    ServiceUnavailableError,
)

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    """Amend DRF's handler: domain errors, races, oversized bodies and crashes answer JSON."""
    if not isinstance(exc, Exception):
        return drf_exception_handler(exc, context)
    if isinstance(exc, OperationalError | InterfaceError):
        # A lost or refused connection (a restart, a failover, a full pool): retry shortly.
        logger.warning("Database unavailable, answered 503: %s", exc)
        exc = DatabaseUnavailable()
    if isinstance(
        exc, ApplicationError | RequestDataTooBig | DjangoValidationError | IntegrityError
    ):
        set_rollback()
    if isinstance(exc, ServiceUnavailableError):
        return service_unavailable_response(exc)
    if isinstance(exc, ApplicationError):
        return Response(exc.as_data(), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": _("Request body is too large.")},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        data = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        # Django's "No Order matches the given query." names the model; every 404 says the
        # same, so a missing object and another partner's look alike.
        exc = exceptions.NotFound()
    if isinstance(exc, IntegrityError):
        # A constraint caught a race the service did not: the state changed under the request.
        logger.warning("Integrity error answered as 409: %s", exc)
        return Response({"detail": ConflictError.default_detail}, status=status.HTTP_409_CONFLICT)
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in API view", exc_info=exc)
        return Response(
            {"detail": _("Internal server error.")},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return response


def service_unavailable_response(exc: ServiceUnavailableError) -> Response:
    """503 `{"detail": ...}` with `Retry-After`: an outage to retry, not a bug."""
    return Response(
        exc.as_data(), status=exc.status_code, headers={"Retry-After": str(exc.retry_after)}
    )
