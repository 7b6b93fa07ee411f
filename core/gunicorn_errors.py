"""gunicorn's own error answers in the API's JSON shape.

gunicorn answers a request it cannot hand to Django itself: a request line over
`limit_request_line` (414), a malformed or oversized header (400, 431). Its page is HTML;
SPEC §2 says everything under /api/ is JSON, every error included. `install()` (called from
`gunicorn.conf.py`'s `on_starting`, before the workers fork) swaps gunicorn's writer of those
pages for one that sends `{"detail": "..."}`.
"""

import json

from gunicorn import util


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    body = json.dumps({"detail": f"{reason}: {mesg}"[:500]}).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("latin1")
    util.write_nonblock(sock, head + body)


def install() -> None:
    util.write_error = write_json_error
