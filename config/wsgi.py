import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Without a broker the background tasks run in this process: its sweeper starts with it.
from django.conf import settings  # noqa: E402

if settings.TASKS_MODE == "thread":
    from core.tasks import start_sweeper

    start_sweeper()
