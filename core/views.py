"""Platform-wide endpoints: health check and the JSON answers for unknown URLs and crashes."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from core import ratelimit, tasks
from core.errors import SharedStoreUnavailable

logger = logging.getLogger(__name__)


@require_safe
def health(request):
    """`{"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}`, or 503 naming what
    is down; `broker` only when `CELERY_BROKER_URL` is set (without it tasks run in-process).

    `cache` is the shared store of the throttles' counters (Redis, or the database's rows when
    no `REDIS_URL` is set): without it every throttled endpoint answers 503, so the service is
    not healthy either.
    """
    body = {"status": "ok", "database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unavailable")
        body["database"] = "unavailable"
    try:
        ratelimit.ping()
    except (SharedStoreUnavailable, DatabaseError):
        logger.warning("Health check: shared store (cache) unavailable")
        body["cache"] = "unavailable"
    if settings.CELERY_BROKER_URL:
        body["broker"] = "ok"
        try:
            tasks.broker_ping()
        except Exception:
            logger.warning("Health check: broker unavailable")
            body["broker"] = "unavailable"
    if "unavailable" in body.values():
        body["status"] = "error"
        response = JsonResponse(body, status=503)
        response["Retry-After"] = str(SharedStoreUnavailable.retry_after)
        return response
    return JsonResponse(body)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any unknown URL under /api/: DRF's 404 shape, whatever DEBUG says."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
    """Any unknown URL under /api/: DRF's 404 shape, whatever DEBUG says, whatever the method.

    CSRF-exempt like every API view (DRF's `APIView` is): the API uses no cookies, and a
    `POST /api/token` without its slash was otherwise Django's HTML 403 "CSRF verification
    failed" instead of a JSON 404."""
    return JsonResponse({"detail": "Not found."}, status=404)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/health")


def handler404(request, exception=None):
    if _wants_json(request):
        return api_not_found(request)
    from django.views import defaults

    return defaults.page_not_found(request, exception)


def handler500(request):
    if _wants_json(request):
        return JsonResponse({"detail": _("Internal server error.")}, status=500)
    from django.views import defaults

    return defaults.server_error(request)


def handler400(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    from django.views import defaults

    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": _("Forbidden.")}, status=403)
    from django.views import defaults

    return defaults.permission_denied(request, exception)
