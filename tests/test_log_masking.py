"""The bank token of the status callback's URL stays out of logs (issue 11, point 7; SPEC §7).

71 gunicorn access-log lines and 41 Django "Not Found" lines carried `/api/order/{id}/{token}/`.
"""

import json
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from catalog.services import bank_issue_token
from catalog.tests.factories import BankFactory
from core.log_masking import MaskingLogger, mask_secrets
from orders.tests.factories import OrderFactory

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cr3t-Bank-Token_0123456789abcdef"


def test_mask_secrets_hides_the_callback_token_only():
    assert (
        mask_secrets(f"PUT /api/order/12/{SECRET}/ HTTP/1.1") == "PUT /api/order/12/***/ HTTP/1.1"
    )
    assert mask_secrets(f"/api/order/12/{SECRET}") == "/api/order/12/***"
    assert mask_secrets(f"/api/order/12/{SECRET}/?x=1") == "/api/order/12/***/?x=1"
    assert mask_secrets("/api/order/ref/anna/3/") == "/api/order/ref/anna/3/"
    assert mask_secrets("/api/orders/12/confirm/") == "/api/orders/12/confirm/"


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["wrong", "right"])
def test_django_request_log_masks_the_token(api_client, caplog, which):
    bank = BankFactory()
    token = bank_issue_token(bank=bank) if which == "right" else SECRET
    order = OrderFactory(product__bank=bank)
    path = f"/api/order/{order.pk + (1000 if which == 'right' else 0)}/{token}/"
    with caplog.at_level(logging.INFO):
        response = api_client.put(path, {"view": True})
    assert response.status_code == 404
    assert "Not Found" in caplog.text
    assert token not in caplog.text
    assert "/***/" in caplog.text


def access_line(path: str, capsys) -> str:
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(U)s" "%(f)s" %({authorization}i)s')
    logger = MaskingLogger(cfg)
    environ = {
        "REQUEST_METHOD": "PUT",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": f"https://bank.example{path}",
    }
    request = SimpleNamespace(headers=[("AUTHORIZATION", f"Bank {SECRET}")])
    response = SimpleNamespace(status="404 Not Found", sent=10, headers=[])
    logger.access(response, request, environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    return capsys.readouterr().out


def test_gunicorn_access_log_masks_the_token(capsys):
    line = access_line(f"/api/order/7/{SECRET}/", capsys)
    assert "/api/order/7/***/" in line
    assert SECRET not in line


def test_the_production_command_uses_the_masking_logger():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["logger_class"] == "core.log_masking.MaskingLogger"
    assert config["accesslog"] == "-"
    assert "gunicorn -c gunicorn.conf.py" in (ROOT / "README.md").read_text()


def test_gunicorn_own_errors_are_json(monkeypatch):
    """A request line over gunicorn's limit was an HTML 414 (found by Schemathesis)."""
    from gunicorn import util

    from core import gunicorn_errors

    sent = []
    monkeypatch.setattr(util, "write_error", util.write_error)
    monkeypatch.setattr(util, "write_nonblock", lambda sock, data: sent.append(data))
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config["on_starting"](None)

    util.write_error(None, 414, "URI Too Long", "Request Line is too large (9000 > 8190)")

    assert util.write_error is gunicorn_errors.write_json_error
    head, body = sent[0].split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 414 URI Too Long")
    assert b"Content-Type: application/json" in head
    assert json.loads(body) == {"detail": "URI Too Long: Request Line is too large (9000 > 8190)"}
