"""Reads kept in the shared cache (Redis) and dropped the moment what they read changes.

Each cached read belongs to a *generation* named like the thing it reads (`user:42`,
`bank-tokens`, `catalogue`), and its entry is stored with the generation it was read under.
`invalidate(name)` gives the name a new random generation at once and again when the transaction
commits, so no earlier entry is ever used again: not one written before the change, nor one
written by a request that read the row between the change and its commit. That is what keeps a
revocation immediate (a deactivated partner's or a replaced bank token's next request misses the
cache and reads the database). A hit costs one round trip: the generation and the entry are
read together (`MGET`), and the entry counts only when its generation is the current one.

Only with `REDIS_URL` set: the fallback cache is a database table, which would cost the query
it saves. A cache that fails is skipped (the read goes to the database) and logged; TTLs bound
what an invalidation lost while the cache was down can leave behind. Keys start with
`CACHE_NAMESPACE`, so test runs and deployments sharing one Redis never read each other's.
"""

import logging
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")
_MISSING = object()


def _enabled() -> bool:
    return bool(settings.REDIS_URL)


def _key(*parts: str) -> str:
    return ":".join((settings.CACHE_NAMESPACE, *parts))


def _generation(name: str) -> str:
    key = _key("gen", name)
    value = cache.get(key)
    if value is None:
        cache.add(key, secrets.token_hex(6), timeout=None)  # the first writer's value wins
        value = cache.get(key)
    return value


def cached(name: str, load: Callable[[], T], *, part: str = "", timeout: int = 300) -> T:
    """`load()`, kept for `timeout` seconds in generation `name` (under `part` of it)."""
    if not _enabled():
        return load()
    generation_key, key = _key("gen", name), _key(name, part)
    try:
        found = cache.get_many([generation_key, key])
        generation = found.get(generation_key) or _generation(name)
    except Exception:
        logger.warning("Shared cache unavailable: reading %s from the database", name)
        return load()
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation:
        return entry[1]
    value = load()
    try:
        cache.set(key, (generation, value), timeout)
    except Exception:
        logger.warning("Shared cache unavailable: %s not kept", name)
    return value


def invalidate(name: str) -> None:
    """Every cached read of `name` is stale: now, and again once the transaction commits."""
    if not _enabled():
        return

    def renew() -> None:
        try:
            cache.set(_key("gen", name), secrets.token_hex(6), timeout=None)
        except Exception:
            logger.exception("Shared cache unavailable: could not invalidate %s", name)

    renew()
    transaction.on_commit(renew)
