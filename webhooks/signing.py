"""Signing secrets: made here, shown once, stored encrypted, used by `standardwebhooks`.

A secret is `whsec_` + base64 of 24 random bytes (the Standard Webhooks form). The database
keeps it encrypted with Fernet under `WEBHOOK_ENCRYPTION_KEYS` (the first key encrypts, each
decrypts, so keys can be rotated), or under a key derived from `SECRET_KEY` when none is set:
either way the key lives in the settings, not in the database, so a leaked copy of the
database cannot sign a message. It is not hashed as the bank tokens are, because signing needs
the secret itself.
"""

import base64
import hashlib
import secrets
from datetime import datetime

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"


def secret_new() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _fernet() -> MultiFernet:
    keys = list(settings.WEBHOOK_ENCRYPTION_KEYS)
    if not keys:
        digest = hashlib.sha256(b"webhook-secrets:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def secret_encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def secret_decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def signature_headers(*, secret: str, msg_id: str, timestamp: datetime, body: str) -> dict:
    """The Standard Webhooks headers of one message."""
    signature = Webhook(secret).sign(msg_id=msg_id, timestamp=timestamp, data=body)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature,
    }
