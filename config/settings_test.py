"""Test settings: the real settings with a fixed key, a fast hasher and in-memory e-mail.

The database (SQLite or PostgreSQL through `DB_*`) and the shared store (Redis through
`REDIS_URL`, else database rows) are whatever the environment says, as in production.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS_MODE = os.environ.get("TASKS_MODE", "inline")
