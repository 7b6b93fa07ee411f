"""The Celery application (`celery -A config worker --beat`, or `make worker`).

Wiring only: it reads the `CELERY_*` settings and finds each app's `tasks.py`. The tasks and
how a request hands work to them (`core.tasks`) live in the apps.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
