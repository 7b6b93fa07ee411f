from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse

from core.errors import DatabaseUnavailable, ServiceUnavailableError


class BodySizeLimitMiddleware:
    """Answer 413 for any API request body over `DATA_UPLOAD_MAX_MEMORY_SIZE`, before reading it.

    DRF's parsers read the request stream directly, so Django's own limit never applies to a
    JSON or YAML body; without this a client could make a worker buffer any amount of data.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Invalid Content-Length header."}, status=400)
        if limit is not None and length > limit and request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": f"Request body is too large (limit {limit} bytes)."}, status=413
            )
        return self.get_response(request)


class OutageMiddleware:
    """A database or shared-store outage in a view that is not DRF's (the /api/ catch-all,
    the schema) answers the API's JSON 503 with `Retry-After` too, not a generic 500.

    DRF views get the same from `core.exceptions.exception_handler`.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/"):
            return None
        if isinstance(exception, OperationalError | InterfaceError):
            exception = DatabaseUnavailable()
        if not isinstance(exception, ServiceUnavailableError):
            return None
        response = JsonResponse(exception.as_data(), status=exception.status_code)
        response["Retry-After"] = str(exception.retry_after)
        return response
