"""gunicorn's settings for production: `.venv/bin/gunicorn -c gunicorn.conf.py config.wsgi`.

Every value can be overridden on the command line or with `GUNICORN_CMD_ARGS`.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 8)))
# A request's input bounds its work to a few seconds (SPEC §7); past this something hangs.
timeout = 30
# The access log on stdout, through a logger that masks the bank token of the status
# callback's URL (/api/order/{id}/{token}/) and credential headers.
accesslog = "-"
logger_class = "core.log_masking.MaskingLogger"
# The longest request line gunicorn takes (long filters); past it a JSON 414 (below).
limit_request_line = 8190


def on_starting(server):
    """gunicorn's own error answers (414, 431, a malformed request) in JSON, like the API's."""
    from core.gunicorn_errors import install

    install()
