from django.conf import settings
from django.http import JsonResponse


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
