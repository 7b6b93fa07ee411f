"""Shared, atomic counters for throttles and one-time-code limits.

Every worker process and server must see the same count, and twenty simultaneous requests
must not all read "0" and pass, so counting is one atomic step in a shared store: Redis
(`INCR` + `EXPIRE NX` in one MULTI) when `REDIS_URL` is set, else a row of
`core.RateCounter` updated under a row lock. A window starts at its first hit, so a
"one per 60 seconds" limit really means 60 seconds between two accepted hits.

When Redis is down or hangs, counting fails closed and fast: `SharedStoreUnavailable` (a JSON
503 with `Retry-After`) after at most `REDIS_TIMEOUT` seconds, never an uncounted request and
never a generic 500.
"""

import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import redis
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.errors import SharedStoreUnavailable
from core.models import RateCounter

# Seconds a Redis call may take: a hanging store must not hold a worker.
REDIS_TIMEOUT = 0.5


@dataclass(frozen=True)
class Hit:
    """The count in the current window, this hit included, and the seconds until it resets."""

    count: int
    retry_after: int


@cache
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
    )


@contextmanager
def _redis() -> Iterator[redis.Redis]:
    """The client, with every Redis failure turned into `SharedStoreUnavailable`."""
    try:
        yield _redis_client(settings.REDIS_URL)
    except redis.RedisError as exc:
        raise SharedStoreUnavailable() from exc


def _full_key(key: str) -> str:
    return f"{settings.RATELIMIT_KEY_PREFIX}:{key}"


def hit(key: str, *, window: int) -> Hit:
    """Count one hit of `key` in a window of `window` seconds that began at its first hit."""
    full_key = _full_key(key)
    if settings.REDIS_URL:
        with _redis() as client:
            pipe = client.pipeline(transaction=True)
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


def release(key: str) -> None:
    """Take back one hit of `key` (the work it counted did not happen, a failed SMS say).

    The window keeps running; a count never goes below zero.
    """
    full_key = _full_key(key)
    if settings.REDIS_URL:
        with _redis() as client:
            # Only an existing counter, and never below zero: one atomic script.
            client.eval(_RELEASE_SCRIPT, 1, full_key)
    else:
        RateCounter.objects.filter(key=full_key, count__gt=0).update(count=F("count") - 1)


_RELEASE_SCRIPT = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


def clear(key: str) -> None:
    """Forget the count of `key` (for example after a successful sign-in)."""
    full_key = _full_key(key)
    if settings.REDIS_URL:
        with _redis() as client:
            client.delete(full_key)
    else:
        RateCounter.objects.filter(key=full_key).delete()


def ping() -> None:
    """Raise `SharedStoreUnavailable` unless the shared store answers (for `/health/`)."""
    if settings.REDIS_URL:
        with _redis() as client:
            client.ping()
    else:
        RateCounter.objects.exists()


def clear_all() -> None:
    """Forget every counter under this deployment's prefix (tests and operations)."""
    if settings.REDIS_URL:
        with _redis() as client:
            keys = list(client.scan_iter(match=_full_key("*"), count=1000))
            if keys:
                client.delete(*keys)
    else:
        RateCounter.objects.filter(key__startswith=_full_key("")).delete()
