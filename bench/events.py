"""Background work, measured (issue 15): what a hanging mail server costs an application, and
how many events one Celery worker delivers per second.

1. `POST /api/order/ref/...` against an SMTP server that accepts and never answers
   (`EMAIL_TIMEOUT` 10 s), through Django's whole request stack: with the e-mail sent in the
   committing request (`TASKS_MODE=inline`, which is how every e-mail was sent before this
   work) and handed to the background (`thread`, `make run`'s mode; `celery` when a broker is
   given).
2. One real worker (`celery -A config worker`, prefork, `--concurrency`) on Redis delivering
   `--events` events to a receiver on loopback that verifies every signature with
   `standardwebhooks`: events per second from the commit to the last verified delivery.

Needs PostgreSQL and Redis (`DB_*`, `REDIS_URL` as for the app): it creates a throwaway test
database, and a queue of its own on `REDIS_URL` as the broker. `make bench-events`, or
`make bench-events BENCH_ARGS="--events 2000 --concurrency 2"`.
"""

import argparse
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ["WEBHOOK_ALLOW_PRIVATE"] = "1"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)


def hanging_smtp() -> tuple[socket.socket, list]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return server, held


def bench_hanging_smtp(runs: int) -> None:
    from rest_framework.test import APIClient

    from catalog.tests.factories import ProductFactory
    from core import tasks
    from referrals.tests.factories import PartnerFactory

    server, held = hanging_smtp()
    logging.getLogger("core.tasks").setLevel(logging.CRITICAL)  # the e-mails' failures, expected
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.getsockname()[1]
    settings.EMAIL_TIMEOUT = 10
    settings.THROTTLE_RATES = {scope: None for scope in settings.THROTTLE_RATES}
    partner, product = PartnerFactory(), ProductFactory()
    client = APIClient()
    print(f"\nPOST /api/order/ref/... with an SMTP server that never answers ({runs} runs)")
    print(f"{'e-mail sent':<44} {'median ms':>10} {'max ms':>10}")
    for mode, label in (("inline", "in the request (before)"), ("thread", "by a background task")):
        settings.TASKS_MODE = mode
        timings = []
        for n in range(runs):
            body = {
                "income": "50000",
                "email_client": f"c{mode}{n}@example.com",
                "phone": f"+7999{hash(mode) % 1000:03d}{n:04d}",
            }
            started = time.perf_counter()
            response = client.post(f"/api/order/ref/{partner.username}/{product.pk}/", body)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 201:
                raise SystemExit(f"apply answered {response.status_code}: {response.content}")
        print(f"{label:<44} {statistics.median(timings):>10.1f} {max(timings):>10.1f}")
    server.close()
    for conn in held:
        conn.close()
    tasks.wait_for_threads(timeout=30)


class Receiver:
    def __init__(self, secret: str) -> None:
        from standardwebhooks import Webhook

        self.verified = 0
        self.bad = 0
        self.done = threading.Event()
        self.expected = 0
        self.last_at = 0.0
        webhook = Webhook(secret)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    webhook.verify(body, dict(self.headers.items()))
                    receiver.verified += 1
                except Exception:
                    receiver.bad += 1
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if receiver.verified >= receiver.expected:
                    receiver.last_at = time.perf_counter()
                    receiver.done.set()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def bench_worker(count: int, concurrency: int) -> None:
    import redis

    from catalog.tests.factories import BankFactory
    from config.celery import app
    from core.models import EventAudience
    from core.outbox import NewEvent, event_record
    from webhooks import services
    from webhooks.models import Delivery

    broker, queue = settings.REDIS_URL, f"bench-events-{os.getpid()}"
    bank = BankFactory()
    _, secret = services.endpoint_put(
        audience=EventAudience.BANK, owner=bank, url="http://127.0.0.1:9/unused", events=None
    )
    receiver = Receiver(secret)
    services.endpoint_put(audience=EventAudience.BANK, owner=bank, url=receiver.url, events=None)
    receiver.expected = count

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DB_NAME": connection.settings_dict["NAME"],
        "CELERY_BROKER_URL": broker,
        "CELERY_QUEUE": queue,
        "TASKS_MODE": "celery",
        "SECRET_KEY": settings.SECRET_KEY,
        "WEBHOOK_SWEEP_SECONDS": "3600",
    }
    log = Path(tempfile.gettempdir()) / "bench-events-worker.log"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker"]
    command += [f"--concurrency={concurrency}", f"--queues={queue}", "--loglevel=WARNING"]
    with log.open("w") as out:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        time.sleep(6)  # the worker's start-up, outside the measured time
        settings.TASKS_MODE = "celery"
        app.conf.broker_url, app.conf.task_default_queue = broker, queue  # before any publish
        data = {"id": 1, "status": "new", "product": {"id": 1, "name": "Card"}}
        started = time.perf_counter()
        for start in range(0, count, 500):
            with transaction.atomic():
                event_record(
                    *(
                        NewEvent("application.submitted", EventAudience.BANK, bank.pk, data)
                        for _ in range(min(500, count - start))
                    )
                )
        published = time.perf_counter()
        if not receiver.done.wait(timeout=max(120, count / 5)):
            raise SystemExit(f"only {receiver.verified} of {count} delivered; see {log}")
        elapsed = receiver.last_at - started
        succeeded = Delivery.objects.filter(status="succeeded").count()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        redis.Redis.from_url(broker).delete(queue)
        receiver.server.shutdown()
    print(f"\nOne worker (prefork, concurrency {concurrency}) on Redis, {count} events")
    print(f"  recorded and published in   {(published - started) * 1000:8.0f} ms")
    print(f"  all delivered and verified  {elapsed * 1000:8.0f} ms")
    print(f"  throughput                  {count / elapsed:8.1f} events/s")
    print(f"  bad signatures              {receiver.bad:8d}")
    print(f"  deliveries succeeded        {succeeded:8d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--smtp-runs", type=int, default=3)
    parser.add_argument("--no-worker", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        raise SystemExit("Set DB_ENGINE=postgresql (DB_*) and REDIS_URL.")
    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        bench_hanging_smtp(args.smtp_runs)
        if not args.no_worker:
            bench_worker(args.events, args.concurrency)
    finally:
        connection.close()
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
