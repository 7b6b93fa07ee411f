"""Shared, atomic counters for throttles and one-time-code limits.

Every worker process and server must see the same count, and twenty simultaneous requests
must not all read "0" and pass, so counting is one atomic step in a shared store: Redis
(`INCR` + `EXPIRE NX` in one MULTI) when `REDIS_URL` is set, else a row of
`core.RateCounter` updated under a row lock. A window starts at its first hit, so a
"one per 60 seconds" limit really means 60 seconds between two accepted hits.
"""

import math
import random
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import redis
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import RateCounter


@dataclass(frozen=True)
class Hit:
    """The count in the current window, this hit included, and the seconds until it resets."""

    count: int
    retry_after: int


@cache
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _full_key(key: str) -> str:
    return f"{settings.RATELIMIT_KEY_PREFIX}:{key}"


def hit(key: str, *, window: int) -> Hit:
    """Count one hit of `key` in a window of `window` seconds that began at its first hit."""
    full_key = _full_key(key)
    if settings.REDIS_URL:
        pipe = _redis_client(settings.REDIS_URL).pipeline(transaction=True)
        pipe.incr(full_key)
        pipe.expire(full_key, window, nx=True)
        pipe.ttl(full_key)
        count, _, ttl = pipe.execute()
        return Hit(count=int(count), retry_after=max(int(ttl), 1))
    return _hit_database(full_key, window)


def _hit_database(full_key: str, window: int) -> Hit:
    now = timezone.now()
    with transaction.atomic():
        counter = RateCounter.objects.select_for_update().filter(key=full_key).first()
        if counter is None:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(
                        key=full_key, count=1, expires_at=now + timedelta(seconds=window)
                    )
            except IntegrityError:
                # Another process created it between our SELECT and INSERT: count on its row.
                counter = RateCounter.objects.select_for_update().get(key=full_key)
            else:
                if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
                    RateCounter.objects.filter(expires_at__lt=now).delete()
                return Hit(count=1, retry_after=window)
        if counter.expires_at <= now:
            counter.count = 1
            counter.expires_at = now + timedelta(seconds=window)
        else:
            counter.count += 1
        counter.save(update_fields=["count", "expires_at"])
        seconds_left = (counter.expires_at - now).total_seconds()
        return Hit(count=counter.count, retry_after=max(math.ceil(seconds_left), 1))


def clear(key: str) -> None:
    """Forget the count of `key` (for example after a successful sign-in)."""
    full_key = _full_key(key)
    if settings.REDIS_URL:
        _redis_client(settings.REDIS_URL).delete(full_key)
    else:
        RateCounter.objects.filter(key=full_key).delete()


def clear_all() -> None:
    """Forget every counter under this deployment's prefix (tests and operations)."""
    if settings.REDIS_URL:
        client = _redis_client(settings.REDIS_URL)
        keys = list(client.scan_iter(match=_full_key("*"), count=1000))
        if keys:
            client.delete(*keys)
    else:
        RateCounter.objects.filter(key__startswith=_full_key("")).delete()
