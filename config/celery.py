"""The Celery application (`celery -A config worker --beat`, or `make worker`).

Wiring only: it reads the `CELERY_*` settings and finds each app's `tasks.py`. The tasks and
how a request hands work to them (`core.tasks`) live in the apps.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
# The broker, the schedule and the time zone come from the settings (`CELERY_*`)...
app.config_from_object("django.conf:settings", namespace="CELERY")
# ...and these hold wherever it runs.
app.conf.update(
    task_ignore_result=True,  # no task's result is read
    task_acks_late=True,  # a worker that dies mid-task leaves it to another
    worker_prefetch_multiplier=1,
    task_publish_retry=False,  # a request publishing to a broker that is down gives up at once
    broker_connection_timeout=2,
    broker_connection_retry_on_startup=True,
    broker_transport_options={
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
        "max_retries": 1,  # one try and no waits when a publish finds the broker down
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    },
)
app.autodiscover_tasks()
