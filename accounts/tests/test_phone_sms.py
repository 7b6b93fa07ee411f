"""SMS backends: console, file and an HTTP gateway (a real local server, up, failing and down)."""

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.errors import SmsDeliveryError
from accounts.models import PhoneCode
from accounts.sms import send_sms
from accounts.tests.helpers import INVALID, PHONE, SENT, send, verify
from tests.sms import Outbox

UNAVAILABLE = {"detail": "Could not send the code, try again later."}


class Gateway:
    """A small SMS gateway on 127.0.0.1 that records what it receives."""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.status = status
        self.delay = delay
        self.requests: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                time.sleep(gateway.delay)
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    server = Gateway()
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = server.url
    settings.SMS_HTTP_TOKEN = "gateway-secret"
    settings.SMS_HTTP_TIMEOUT = 2
    yield server
    server.stop()


def closed_port_url() -> str:
    """An address where nothing listens: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/send"


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


# --- The backends themselves ----------------------------------------------------------------


def test_console_backend_logs_recipient_and_text(settings, caplog):
    settings.SMS_BACKEND = "console"
    with caplog.at_level("INFO", logger="accounts.sms"):
        send_sms(to=PHONE, text="123456 is your code")

    assert "SMS to +79991234567: 123456 is your code" in caplog.text


def test_file_backend_appends_one_json_line_per_message_and_makes_its_folder(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "deep" / "er" / "sms.jsonl"
    send_sms(to=PHONE, text="first")
    send_sms(to="+79990000000", text="второе")

    lines = settings.SMS_FILE_PATH.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"to": PHONE, "text": "first"},
        {"to": "+79990000000", "text": "второе"},
    ]


def test_file_backend_that_cannot_write_raises_delivery_error(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    (tmp_path / "file").write_text("")
    settings.SMS_FILE_PATH = tmp_path / "file" / "sms.jsonl"  # a file where a folder should be

    with pytest.raises(SmsDeliveryError):
        send_sms(to=PHONE, text="x")


def test_unknown_backend_is_a_configuration_error(settings):
    settings.SMS_BACKEND = "carrier-pigeon"

    with pytest.raises(ImproperlyConfigured):
        send_sms(to=PHONE, text="x")


def test_http_backend_without_url_is_a_configuration_error(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = ""

    with pytest.raises(ImproperlyConfigured):
        send_sms(to=PHONE, text="x")


def test_http_backend_posts_json_with_the_bearer_token(gateway):
    send_sms(to=PHONE, text="hello")

    [request] = gateway.requests
    assert request["path"] == "/send"
    assert request["body"] == {"to": PHONE, "text": "hello"}
    assert request["headers"]["Authorization"] == "Bearer gateway-secret"
    assert request["headers"]["Content-Type"] == "application/json"


# --- Through the API ------------------------------------------------------------------------


@pytest.mark.django_db
def test_code_sent_through_the_gateway_signs_in(api_client, gateway):
    response = send(api_client)

    assert response.status_code == 202
    assert response.json() == SENT
    [request] = gateway.requests
    assert request["body"]["to"] == PHONE
    assert request["headers"]["Authorization"] == "Bearer gateway-secret"
    assert verify(api_client, code_in(request["body"]["text"])).status_code == 200


@pytest.mark.django_db
def test_gateway_down_is_503_and_leaves_no_usable_code(api_client, gateway, settings):
    settings.SMS_HTTP_URL = closed_port_url()
    response = send(api_client)

    assert response.status_code == 503
    assert response.json() == UNAVAILABLE
    assert not PhoneCode.objects.exists()
    for code in ("000000", "123456", "999999"):
        assert verify(api_client, code).json() == INVALID


@pytest.mark.django_db
def test_gateway_error_status_is_503_and_the_partner_may_retry_at_once(api_client, gateway):
    gateway.status = 500
    failed = send(api_client)

    assert failed.status_code == 503
    assert failed.json() == UNAVAILABLE
    assert not PhoneCode.objects.exists()
    sent_text = gateway.requests[0]["body"]["text"]
    assert verify(api_client, code_in(sent_text)).json() == INVALID

    gateway.status = 200
    retried = send(api_client)  # no resend pause after a failure
    assert retried.status_code == 202
    assert verify(api_client, code_in(gateway.requests[1]["body"]["text"])).status_code == 200


@pytest.mark.django_db
def test_gateway_timeout_is_503(api_client, gateway, settings):
    gateway.delay = 2
    settings.SMS_HTTP_TIMEOUT = 1
    response = send(api_client)

    assert response.status_code == 503
    assert response.json() == UNAVAILABLE
    assert not PhoneCode.objects.exists()


@pytest.mark.django_db
def test_failed_resend_keeps_the_code_that_was_really_sent(api_client, settings, tmp_path):
    settings.PHONE_CODE_RESEND_SECONDS = 0
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    send(api_client)
    delivered = Outbox(settings.SMS_FILE_PATH).code_for(PHONE)

    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = closed_port_url()
    assert send(api_client).status_code == 503
    assert verify(api_client, delivered).status_code == 200


@pytest.mark.django_db
def test_codes_appear_in_no_log_but_the_console_backends(api_client, caplog, settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    with caplog.at_level("DEBUG"):
        send(api_client)
        code = Outbox(settings.SMS_FILE_PATH).code_for(PHONE)
        verify(api_client, code)

    assert code not in caplog.text
