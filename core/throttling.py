"""DRF throttles that count in the shared store of `core.ratelimit`.

DRF's own throttles keep a history list in the cache and write it back after reading it,
so simultaneous requests overwrite each other's counts. These count atomically, and the
client address comes from `NUM_PROXIES` trusted proxies (DRF's `get_ident`), so a forged
`X-Forwarded-For` changes nothing.
"""

from django.conf import settings
from rest_framework.exceptions import Throttled
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from core import ratelimit


class SharedRateThrottle(SimpleRateThrottle):
    """Fixed-window throttle per client IP and scope; the rate comes from `THROTTLE_RATES`."""

    scope = ""

    def __init__(self) -> None:
        self.retry_after: int | None = None
        super().__init__()

    def get_rate(self) -> str | None:
        return settings.THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str:
        return f"throttle:{self.scope}:{self.get_ident(request)}"

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        result = ratelimit.hit(self.get_cache_key(request, view), window=self.duration)
        self.retry_after = result.retry_after
        return result.count <= self.num_requests

    def wait(self) -> int | None:
        return self.retry_after

    def applies_to(self, method: str) -> bool:
        """Whether requests of `method` may be throttled (the schema documents a 429 then)."""
        return self.rate is not None


class AuthThrottle(SharedRateThrottle):
    """Registration, token and code verification: `THROTTLE_AUTH`."""

    scope = "auth"


class PublicOrderThrottle(SharedRateThrottle):
    """Applications sent through public referral links: `THROTTLE_PUBLIC_ORDER`."""

    scope = "public_order"


class LookupThrottle(SharedRateThrottle):
    """Public look-ups that could be used to enumerate partners: `THROTTLE_LOOKUP`."""

    scope = "lookup"


class LandingThrottle(SharedRateThrottle):
    """Visits of public referral links, which count clicks: `THROTTLE_LANDING`."""

    scope = "landing"


class PartnerWriteThrottle(SharedRateThrottle):
    """Every change a signed-in partner makes (applying a code, creating codes, editing the
    profile, drafts...) counts per partner: `THROTTLE_PARTNER_WRITE`. It bounds guessing
    invite codes and probing which usernames or e-mails are taken. Reads and banks are free.

    The default throttle of every view; the public endpoints set their own per-IP ones.
    """

    scope = "partner_write"

    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS or getattr(request.user, "pk", None) is None:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        return f"throttle:{self.scope}:user:{request.user.pk}"

    def applies_to(self, method: str) -> bool:
        return method not in SAFE_METHODS and super().applies_to(method)


class FailureThrottle(SharedRateThrottle):
    """Counts failures only (wrong secrets) per client IP: `failed(request)` when a secret is
    wrong counts it, and past the rate answers 429 instead of the failure.

    A right secret is never refused and costs no count, so someone guessing from the address of
    a bank's integration cannot lock the bank out, and a good request makes no extra round trip
    to the counters. Not one of a view's `throttle_classes`: it needs to know the secret's fate.
    """

    def failed(self, request) -> None:
        if self.rate is None:
            return
        result = ratelimit.hit(self.get_cache_key(request, None), window=self.duration)
        if result.count > self.num_requests:
            raise Throttled(wait=result.retry_after)


class BankAuthThrottle(FailureThrottle):
    """Wrong bank tokens (header or callback URL) per client IP: `THROTTLE_BANK_AUTH`. A token
    has 256 bits, so guessing is hopeless, but it should not be free either."""

    scope = "bank_auth"
