import re

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from core import tasks
from core.errors import DatabaseUnavailable, ServiceUnavailableError


class TaskBatchMiddleware:
    """Whatever background tasks a request hands on go to the broker in one message, once its
    view has returned (`core.tasks.one_message`; only in `celery` mode)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with tasks.one_message():
            return self.get_response(request)


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
            return JsonResponse({"detail": _("Invalid Content-Length header.")}, status=400)
        if limit is not None and length > limit and request.path.startswith("/api/"):
            detail = _("Request body is too large (limit %(limit)s bytes).") % {"limit": limit}
            return JsonResponse({"detail": detail}, status=413)
        return self.get_response(request)


class LanguageMiddleware(LocaleMiddleware):
    """Django's `LocaleMiddleware` with `?lang=` and a default that depends on the page.

    The clients' pages (`PAGE_LANGUAGE_PATHS`: the root page and the referral links' pages)
    default to Russian (`PAGE_LANGUAGE_CODE`), the language of the product's clients. The JSON
    API, the admin, the commands and the logs default to English (`LANGUAGE_CODE`): the API's
    messages are documented in English and the integrations written against them, like most
    HTTP libraries, send no `Accept-Language`; the admin's own labels are not translated yet.
    Every caller gets Russian with `Accept-Language: ru` or `?lang=ru`, English with `en`.

    `?lang=` wins over the header and is not remembered: a page carries it in its own links.
    """

    def process_request(self, request) -> None:
        translation.activate(self.language_of(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        # Whatever this thread runs next (a request, a task, a test) starts from the default,
        # not from the language of the last visitor.
        translation.deactivate()
        return response

    @staticmethod
    def language_of(request) -> str:
        asked = request.GET.get("lang", "")
        candidates = [asked] if asked else []
        header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        candidates += [code for code, _quality in parse_accept_lang_header(header) if code != "*"]
        for code in candidates:
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
        if re.match(settings.PAGE_LANGUAGE_PATHS, request.path_info):
            return settings.PAGE_LANGUAGE_CODE
        return settings.LANGUAGE_CODE


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
