"""One POST to a receiver, safely: the SSRF guard, no redirects, a hard timeout.

The guard runs at every attempt, on the addresses the receiver's name resolves to *then*
(a name that pointed at a public address when subscribed may point inside later): `https`
only, and every resolved address must be a public unicast one; loopback, private, shared,
link-local, site-local, multicast, reserved and unspecified ones are refused, and so is an IPv6
address that carries an IPv4 one (mapped, 6to4, Teredo) unless that one is public.
The connection is then made to the address that was checked, not to a second resolution of
the name (DNS rebinding), with the name kept for the `Host` header, SNI and the certificate
check. `WEBHOOK_ALLOW_PRIVATE` lifts the address rule and allows `http` (development, tests).
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

#: What is read of a receiver's answer: its status matters, not its body.
MAX_RESPONSE_BYTES = 4096


class DeliveryRefused(Exception):
    """The URL may not be called (its scheme, or an address it resolves to)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def address_allowed(address: str) -> bool:
    """A public unicast address (what a receiver on the internet has)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.teredo or ip.is_site_local:
            return False
        embedded = ip.ipv4_mapped or ip.sixtofour  # an IPv4 address inside: judge that one
        if embedded is not None:
            ip = embedded
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def url_problem(url: str, *, allow_private: bool | None = None) -> str | None:
    """Why `url` can never be a receiver, without resolving it (None: it may be). The
    subscription's early check; the full guard is `resolve`, at each attempt."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE if allow_private is None else allow_private
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return _("Enter a valid URL.")
    schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in schemes:
        return _("Only https URLs can receive webhooks.")
    if not parts.hostname:
        return _("Enter a valid URL.")
    if parts.username or parts.password:
        return _("The URL may not carry a user name or password.")
    if allow_private:
        return None
    host = parts.hostname.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return _("This address cannot receive webhooks.")
    try:
        if not address_allowed(host):
            return _("This address cannot receive webhooks.")
    except ValueError:
        pass  # a name: resolved and checked at each attempt
    return None


def resolve(url: str) -> Target:
    """The URL's target, its address resolved now and checked (DeliveryRefused otherwise)."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE
    problem = url_problem(url, allow_private=allow_private)
    if problem:
        raise DeliveryRefused(problem)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise DeliveryRefused(f"Cannot resolve {parts.hostname}: {exc}") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise DeliveryRefused(f"Cannot resolve {parts.hostname}")
    if not allow_private:
        refused = [address for address in addresses if not address_allowed(address)]
        if refused:
            raise DeliveryRefused(f"{parts.hostname} resolves to a forbidden address")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _pool(target: Target, timeout: urllib3.Timeout):
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(
        target.address, target.port, timeout=timeout, retries=False, maxsize=1
    )


def post(url: str, *, body: bytes, headers: dict) -> Outcome:
    """POST `body` to `url`: the receiver's status, or why it has none. Never raises."""
    started = time.monotonic()

    def outcome(status_code: int | None, error: str = "") -> Outcome:
        return Outcome(status_code, error[:500], int((time.monotonic() - started) * 1000))

    try:
        target = resolve(url)
    except DeliveryRefused as exc:
        return outcome(None, f"Refused: {exc}")
    default_port = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host  # an IPv6 literal
    host_header = host if target.port == default_port else f"{host}:{target.port}"
    timeout = urllib3.Timeout(total=settings.WEBHOOK_TIMEOUT)
    pool = _pool(target, timeout)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            response.read(MAX_RESPONSE_BYTES)
        finally:
            response.release_conn()
    except urllib3.exceptions.HTTPError as exc:
        return outcome(None, f"{type(exc).__name__}: {exc}")
    except OSError as exc:
        return outcome(None, f"{type(exc).__name__}: {exc}")
    finally:
        pool.close()
    if 300 <= response.status < 400:
        return outcome(response.status, "Redirects are not followed.")
    if not 200 <= response.status < 300:
        return outcome(response.status, f"The receiver answered {response.status}.")
    return outcome(response.status)
