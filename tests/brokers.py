"""Point this process's Celery application at a broker for one test, then back."""

from contextlib import contextmanager

from kombu import pools

from config.celery import app


def _reset_pools() -> None:
    """Drop the connections and producers made for the previous broker (they are lazy, and
    made again for the new one at the next publish). kombu keeps its pools per broker URL in
    registries of its own, which hand a closed pool back unless they are emptied too."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@contextmanager
def using_broker(settings, url: str, *, queue: str = "celery"):
    previous = app.conf.broker_url, app.conf.task_default_queue
    settings.TASKS_MODE = "celery"
    settings.CELERY_BROKER_URL = url
    app.conf.broker_url, app.conf.task_default_queue = url, queue
    _reset_pools()
    try:
        yield url
    finally:
        app.conf.broker_url, app.conf.task_default_queue = previous
        _reset_pools()
