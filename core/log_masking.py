"""Secrets out of logs: the bank token of the status callback's URL (`/api/order/{id}/{token}/`).

The seed's callback carries the bank's token in its path, so every access-log line and every
Django "Not Found" line for it would keep the token in the logs. Both loggers mask it:
`MaskSecretsFilter` on Django's request and server loggers (`LOGGING`), and `MaskingLogger`,
gunicorn's logger class, in `gunicorn.conf.py`.
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

MASK = "***"
# The callback's token segment; `/api/order/ref/...` (a referral link) has no number first.
_CALLBACK_TOKEN = re.compile(r"(/api/order/\d+/)[^/?#\s\"']+")
# Headers that carry credentials, should an access-log format name them (`%({authorization}i)s`).
_SECRET_HEADERS = ("{authorization}i", "{http_authorization}e", "{cookie}i", "{http_cookie}e")


def mask_secrets(text: str) -> str:
    """`text` with the callback URL's token replaced by `***`."""
    return _CALLBACK_TOKEN.sub(rf"\g<1>{MASK}", text)


class MaskSecretsFilter(logging.Filter):
    """Rewrites a record's message with `mask_secrets` (the record is kept, never dropped)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class MaskingLogger(GunicornLogger):
    """gunicorn's logger, with the callback's token masked in every access-log atom (the
    request line `%(r)s`, the path `%(U)s`, the referer...) and credential headers hidden."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = mask_secrets(value)
        for key in _SECRET_HEADERS:
            if key in atoms:
                atoms[key] = MASK
        return atoms
