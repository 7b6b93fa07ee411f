"""Background work: how a request hands a task on, and the e-mail task.

Nothing slow runs inside a request (SPEC §7, §11): e-mails and webhook deliveries are Celery
tasks, handed on only once the transaction that asked for them commits (a rolled-back change
sends nothing). Where they run is `TASKS_MODE`:

- `celery` (`CELERY_BROKER_URL` set): published to the broker for `celery -A config worker`.
  A broker that is down costs the request one failed publish, logged, never an error: the
  events' sweep hands on what was not published once the broker is back.
- `thread` (no broker: `make run`): a small pool of threads in the web process, so the
  response never waits for them; delayed runs are timers in the same process, and a sweeper
  thread starts with the first task.
- `inline`: in the committing thread itself, right after the commit (the tests, which then
  see the e-mails and deliveries at once).

In `celery` mode a request publishes once, however many tasks its transactions handed on
(`one_message`, opened around every request by `core.middleware.TaskBatchMiddleware`): an
application's events and its e-mail, or a decision's events, its commissions' and its
e-mails, go to the broker as one `run_batch` message, which the worker fans out into the
tasks themselves (each with its own time limits and retries). A publish costs a request
about half a millisecond of CPU.
"""

import gc
import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from contextvars import ContextVar

from celery import current_app, shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import close_old_connections, transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_sweeper_started = False
_running: set[Future] = set()
_timers: set[threading.Timer] = set()
# The tasks handed on inside `one_message`, with their arguments: None outside it.
_batch: ContextVar[list[tuple] | None] = ContextVar("tasks_batch", default=None)


def _thread_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tasks")
    start_sweeper()
    return _pool


def start_sweeper() -> None:
    """`thread` mode: start this process's stand-in for Celery beat, once. The web process
    calls it when it starts (config/wsgi.py), so a restart sweeps what the last one left."""
    global _sweeper_started
    with _pool_lock:
        if _sweeper_started or not settings.CELERY_BEAT_SCHEDULE:
            return
        _sweeper_started = True
    threading.Thread(target=_sweep_forever, name="tasks-sweeper", daemon=True).start()


def _submit(task, args: tuple) -> None:
    future = _thread_pool().submit(_run_here, task, args)
    _running.add(future)
    future.add_done_callback(_running.discard)


def wait_for_threads(timeout: float) -> bool:
    """`thread` mode: cancel the delayed runs, and wait until the tasks handed on so far are
    done (tests, benchmarks). Once they are, the pool's threads end, and with them the
    database connections they kept (so a test database can be dropped)."""
    global _pool
    deadline = time.monotonic() + timeout
    while True:  # a task that ends may start a timer: until neither is left
        for timer in list(_timers):
            timer.cancel()
        _timers.clear()
        _, pending = wait(list(_running), timeout=max(0, deadline - time.monotonic()))
        if pending:
            return False
        if not _timers and not _running:
            break
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True)
        gc.collect()
    return True


def _fire(timer_box: list, task, args: tuple) -> None:
    _timers.discard(timer_box[0])
    _submit(task, args)


def _run_here(task, args: tuple, *, own_thread: bool = True) -> None:
    """Run a task in this process. In a thread of the pool or the sweeper, which live as
    long as the process, the database connection is kept for the next task as a request's
    is (`CONN_MAX_AGE`, health checks): opening one for every task cost more than the task.
    With `CONN_MAX_AGE` 0 it is closed after each."""
    if own_thread:
        close_old_connections()
    try:
        task(*args)
    except Exception:
        logger.exception("Background task %s failed", task.name)
    finally:
        if own_thread:
            close_old_connections()


def _sweep_forever() -> None:
    """`thread` mode's stand-in for Celery beat: the periodic tasks, every so often (it ends
    if the process leaves `thread` mode, as the tests do)."""
    global _sweeper_started
    while True:
        time.sleep(settings.WEBHOOK_SWEEP_SECONDS)
        if settings.TASKS_MODE != "thread":
            with _pool_lock:
                _sweeper_started = False
            return
        for entry in settings.CELERY_BEAT_SCHEDULE.values():
            close_old_connections()
            _run_here(import_string(entry["task"]), ())


def run(task, *args, countdown: float | None = None) -> None:
    """Run `task(*args)` in the background now (or after `countdown` seconds): not inside a
    transaction; see `run_after_commit` for work a change asks for."""
    mode = settings.TASKS_MODE
    if mode == "celery":
        batch = _batch.get()
        if batch is not None and countdown is None:
            batch.append((task, args))
        else:
            _publish(task, args, countdown=countdown)
    elif mode == "thread":
        if countdown:
            box: list = []
            timer = threading.Timer(countdown, _fire, (box, task, args))
            box.append(timer)
            timer.daemon = True
            _timers.add(timer)
            timer.start()
        else:
            _submit(task, args)
    elif not countdown:
        # inline: delayed runs are left to the sweep, which the tests call themselves.
        _run_here(task, args, own_thread=False)


def _publish(task, args, *, countdown: float | None = None) -> None:
    try:
        task.apply_async(args=args, countdown=countdown)
    except Exception:
        # Events stay undispatched in the outbox, and the sweep hands them on later.
        logger.exception("Could not hand %s to the broker", task.name)


@contextmanager
def one_message() -> Iterator[None]:
    """In `celery` mode, the tasks handed on inside (`run`, without a countdown) are published
    when it ends, together: one message (`run_batch`), or the task itself when there is one.
    They are published even when the block raises: what committed inside it asked for them
    (and what rolled back never handed them on: `run_after_commit`)."""
    if settings.TASKS_MODE != "celery" or _batch.get() is not None:
        yield
        return
    batch: list[tuple] = []
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
        if len(batch) == 1:
            _publish(*batch[0])
        elif batch:
            _publish(run_batch, ([(task.name, list(args)) for task, args in batch],))


@shared_task(name="core.tasks.run_batch")
def run_batch(entries: list) -> None:
    """The worker's side of `one_message`: each task of the batch, published on its own."""
    for name, args in entries:
        try:
            current_app.tasks[name].apply_async(args=args)
        except Exception:
            logger.exception("Could not hand %s to the broker", name)


def run_after_commit(task, *args) -> None:
    """Hand `task(*args)` on once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: run(task, *args))


def dispatch_events_after_commit(event_ids: list[int]) -> None:
    """The committed events go to `EVENTS_DISPATCH_TASK` (the webhooks' fan-out), all of
    them in one task: one message to the broker per change, however many receivers it has."""
    task = import_string(settings.EVENTS_DISPATCH_TASK)
    transaction.on_commit(lambda: run(task, list(event_ids)))


@shared_task(name="core.tasks.send_email", soft_time_limit=60, time_limit=90)
def send_email(to: str, subject: str, body: str) -> None:
    """One e-mail, over `EMAIL_*` with `EMAIL_TIMEOUT`. A failure is logged; nothing is retried
    (an application's e-mails are a courtesy: its state is in the API and the webhooks)."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    except Exception:
        logger.exception("Could not send the e-mail %r", subject)


def broker_ping() -> None:
    """Raise when the configured broker does not answer within two seconds."""
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
