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


class FailureThrottle(SharedRateThrottle):
    """Counts failures only (wrong secrets), per client IP, and refuses every attempt, right or
    wrong, once the address is over its rate: otherwise a 429 for a wrong guess and a 200 for
    the right one would still tell a guesser which is which.

    Call `check(request)` before verifying the secret and `failed(request)` when it is wrong.
    """

    def check(self, request) -> None:
        if self.rate is None:
            return
        current = ratelimit.peek(self.get_cache_key(request, None))
        if current.count >= self.num_requests:
            raise Throttled(wait=current.retry_after)

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
