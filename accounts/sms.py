"""Sending SMS through the backend `SMS_BACKEND` names: `console`, `file` or `http`.

The backend is looked up at every call, so a test (or an operator) switches it with the
setting alone. `console` is the only place a one-time code may ever appear in a log: it *is*
the delivery channel in development. A backend that cannot deliver raises `SmsDeliveryError`,
which the caller turns into a 503 after rolling the unsent code back.
"""

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.errors import SmsDeliveryError
from accounts.phones import mask_phone

logger = logging.getLogger(__name__)


def _send_console(*, to: str, text: str) -> None:
    logger.info("SMS to %s: %s", to, text)


def _send_file(*, to: str, text: str) -> None:
    path = Path(settings.SMS_FILE_PATH)
    line = json.dumps({"to": to, "text": text}, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as outbox:
            outbox.write(line)
    except OSError as exc:
        logger.error("SMS to %s not written to %s: %s", mask_phone(to), path, exc)
        raise SmsDeliveryError() from exc


def _send_http(*, to: str, text: str) -> None:
    url = settings.SMS_HTTP_URL
    if not url.startswith(("http://", "https://")):
        raise ImproperlyConfigured("SMS_BACKEND=http needs SMS_HTTP_URL (http:// or https://).")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=json.dumps({"to": to, "text": text}).encode(),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:  # noqa: S310
            answered = response.status
    except (urllib.error.URLError, OSError, ValueError) as exc:
        # HTTPError (non-2xx) is a URLError; refused connections and timeouts are OSErrors.
        # The message text (it holds the code) is deliberately left out of the log.
        logger.warning("SMS gateway failed for %s: %s", mask_phone(to), exc)
        raise SmsDeliveryError() from exc
    if not 200 <= answered < 300:
        logger.warning("SMS gateway answered %s for %s", answered, mask_phone(to))
        raise SmsDeliveryError()


_BACKENDS: dict[str, Callable[..., None]] = {
    "console": _send_console,
    "file": _send_file,
    "http": _send_http,
}


def send_sms(*, to: str, text: str) -> None:
    """Hand one message to the configured backend, or raise `SmsDeliveryError`."""
    backend = _BACKENDS.get(settings.SMS_BACKEND)
    if backend is None:
        raise ImproperlyConfigured(
            f"SMS_BACKEND must be one of {', '.join(_BACKENDS)}, got {settings.SMS_BACKEND!r}"
        )
    backend(to=to, text=text)
