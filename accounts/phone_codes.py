"""One-time sign-in codes sent by SMS: sending them within the limits, spending them once."""

import math
import random
import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import Throttled

from accounts.models import PhoneCode
from accounts.sms import send_sms
from core import ratelimit

PHONE_CODE_SENT = _("If the number can receive SMS, a code has been sent.")
HOUR = 3600


def phone_code_hash(*, phone: str, code: str) -> str:
    """HMAC keyed by SECRET_KEY over phone and code: useless for any other phone."""
    return salted_hmac("accounts.PhoneCode", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _phone_code_message(code: str) -> str:
    minutes = max(math.ceil(settings.PHONE_CODE_TTL / 60), 1)
    return f"{code} is your sign-in code. It expires in {minutes} min. Never share it."


def phone_code_send(*, phone: str, client_ip: str) -> None:
    """Send a new one-time code to `phone`, within the resend pause and the hourly caps.

    The limits count in the shared store (`core.ratelimit`), atomically, so they hold
    across worker processes and under bursts: of eight simultaneous requests for one phone
    only the first passes the resend pause and one SMS goes out. The caller answers the same
    for registered and unknown phones. If the SMS cannot be handed over, the new code is
    rolled back (no usable code that was never sent), the pause is lifted so the partner can
    retry at once, the hourly counts it took are given back (a gateway's failure must not use
    up anyone's allowance), and `SmsDeliveryError` (503) goes up.
    """
    resend_key = f"otp:resend:{phone}"
    if settings.PHONE_CODE_RESEND_SECONDS > 0:
        pause = ratelimit.hit(resend_key, window=settings.PHONE_CODE_RESEND_SECONDS)
        if pause.count > 1:
            raise Throttled(wait=pause.retry_after)
    # The client's own cap first, so a client over it cannot use up a phone's hourly budget.
    # A refused request sent nothing, so it lifts the pause it had just started.
    counted_keys: list[str] = []
    for key, cap in (
        (f"otp:ip:{client_ip}", settings.PHONE_CODE_PER_IP_HOURLY),
        (f"otp:phone:{phone}", settings.PHONE_CODE_PER_PHONE_HOURLY),
    ):
        counted = ratelimit.hit(key, window=HOUR)
        if counted.count > cap:
            ratelimit.clear(resend_key)
            raise Throttled(wait=counted.retry_after)
        counted_keys.append(key)

    code = "".join(secrets.choice(string.digits) for _ in range(settings.PHONE_CODE_LENGTH))
    now = timezone.now()
    try:
        with transaction.atomic():
            # Only the newest code of a phone lives: the older ones go with this one's birth.
            PhoneCode.objects.filter(phone=phone).delete()
            PhoneCode.objects.create(
                phone=phone,
                code_hash=phone_code_hash(phone=phone, code=code),
                created_at=now,
                expires_at=now + timedelta(seconds=settings.PHONE_CODE_TTL),
            )
            send_sms(to=phone, text=_phone_code_message(code))
    except Exception:
        # Nothing was sent: no pause before the next try, and no hourly allowance used.
        ratelimit.clear(resend_key)
        for key in counted_keys:
            ratelimit.release(key)
        raise
    if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
        PhoneCode.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()


def phone_code_spend(*, phone: str, code: str) -> bool:
    """Use the live code of `phone` if `code` matches it; count a wrong try otherwise.

    Runs inside the caller's transaction, which must commit even when this returns False (the
    caller raises after the block), so that a wrong try stays counted. The row lock makes the
    code single-use: simultaneous tries wait for each other and see it used.
    """
    row = PhoneCode.objects.select_for_update().filter(phone=phone).order_by("-id").first()
    now = timezone.now()
    if (
        row is None
        or row.used_at is not None
        or row.expires_at <= now
        or row.attempts >= settings.PHONE_CODE_MAX_ATTEMPTS
    ):
        return False
    if not constant_time_compare(row.code_hash, phone_code_hash(phone=phone, code=code)):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        return False
    row.used_at = now
    row.save(update_fields=["used_at"])
    return True
