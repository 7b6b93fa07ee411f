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

import contextlib
import ipaddress
import logging
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from urllib3.connection import HTTPConnection, HTTPSConnection

logger = logging.getLogger(__name__)

#: What is read of a receiver's answer: its status matters, not its body.
MAX_RESPONSE_BYTES = 4096
#: The longest a name's resolution may take (within the attempt's own deadline).
DNS_SECONDS = 5
#: The resolver; tests put their own in.
getaddrinfo = socket.getaddrinfo
#: What a receiver is told when its URL is refused at an attempt: the same words whatever the
#: reason, so that the delivery log tells nobody which internal names exist (the server's log
#: has the details).
REFUSED = (
    "Refused: the receiver's name does not resolve, or resolves to an address that may not "
    "receive webhooks."
)


class DeliveryRefused(Exception):
    """The URL may not be called (its scheme, or an address it resolves to)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # in ASCII (an internationalised name in its IDNA form)
    port: int
    path: str
    addresses: tuple[str, ...]  # resolved and checked, in the resolver's order


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


def ascii_host(host: str) -> str:
    """The host as it goes on the wire: an internationalised name in its IDNA (A-label) form.
    Raises UnicodeError for a name that has none."""
    host = host.rstrip(".")
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return host
    except ValueError:
        return host.encode("idna").decode("ascii").lower()


def url_problem(url: str, *, allow_private: bool | None = None) -> str | None:
    """Why `url` can never be a receiver, without resolving it (None: it may be). The
    subscription's early check; the full guard is `resolve`, at each attempt."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE if allow_private is None else allow_private
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
        host = ascii_host(parts.hostname or "")
    except (ValueError, UnicodeError):
        return _("Enter a valid URL.")
    schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in schemes:
        return _("Only https URLs can receive webhooks.")
    if not host:
        return _("Enter a valid URL.")
    if parts.username or parts.password:
        return _("The URL may not carry a user name or password.")
    if allow_private:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return _("This address cannot receive webhooks.")
    try:
        if not address_allowed(host):
            return _("This address cannot receive webhooks.")
    except ValueError:
        pass  # a name: resolved and checked at each attempt
    return None


def _lookup(host: str, port: int, timeout: float) -> list[str]:
    """The addresses `host` resolves to, within `timeout` seconds (the system's resolver has
    no timeout of its own: it runs in a thread that is left behind if it hangs)."""
    found: dict = {}

    def work() -> None:
        try:
            found["infos"] = getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            found["error"] = exc

    thread = threading.Thread(target=work, name="webhook-dns", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise DeliveryRefused(f"resolving {host} took over {timeout:.1f} s")
    if "error" in found:
        raise DeliveryRefused(f"cannot resolve {host}: {found['error']}")
    return [info[4][0] for info in found["infos"]]


def resolve(url: str, *, timeout: float = DNS_SECONDS) -> Target:
    """The URL's target, its addresses resolved now and checked (DeliveryRefused otherwise)."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE
    problem = url_problem(url, allow_private=allow_private)
    if problem:
        raise DeliveryRefused(problem)
    parts = urlsplit(url)
    host = ascii_host(parts.hostname)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = _lookup(host, port, timeout)
    if not addresses:
        raise DeliveryRefused(f"{host} resolves to nothing")
    if not allow_private:
        refused = [address for address in addresses if not address_allowed(address)]
        if refused:
            raise DeliveryRefused(f"{host} resolves to a forbidden address ({refused[0]})")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, path, tuple(dict.fromkeys(addresses)))


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


def _connection(target: Target, address: str, *, timeout: float):
    """A connection to the checked `address`, under the receiver's name for SNI and the
    certificate check (no pool, no retries, no redirects: one request)."""
    if target.scheme == "https":
        return HTTPSConnection(
            address,
            target.port,
            timeout=timeout,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    return HTTPConnection(address, target.port, timeout=timeout)


def _cut(connection) -> None:
    """The deadline has passed: end the exchange, wherever it is (a blocked read returns)."""
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host  # an IPv6 literal
    default_port = 443 if target.scheme == "https" else 80
    return host if target.port == default_port else f"{host}:{target.port}"


def post(url: str, *, body: bytes, headers: dict) -> Outcome:
    """POST `body` to `url` within `WEBHOOK_TIMEOUT` seconds, all told (resolution, connection,
    request, answer): the receiver's status, or why it has none. Never raises.

    The deadline is a wall clock, not a socket timeout: a receiver that answers a byte at a
    time is cut off when it passes, and an answer that arrives after it does not count.
    Addresses are tried in turn while a connection cannot be made.
    """
    started = time.monotonic()
    deadline = started + settings.WEBHOOK_TIMEOUT

    def outcome(status_code: int | None, error: str = "") -> Outcome:
        return Outcome(status_code, error[:500], int((time.monotonic() - started) * 1000))

    try:
        target = resolve(url, timeout=min(DNS_SECONDS, settings.WEBHOOK_TIMEOUT))
    except DeliveryRefused as exc:
        logger.info("Webhook to %s refused: %s", url, exc)
        return outcome(None, REFUSED)
    except Exception as exc:  # a URL no check foresaw: refused, never a crash of the worker
        logger.warning("Webhook to %s refused: %r", url, exc)
        return outcome(None, REFUSED)
    error = "No address of the receiver answered."
    for address in target.addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return outcome(None, f"Timeout: no answer within {settings.WEBHOOK_TIMEOUT} s.")
        connection = _connection(target, address, timeout=remaining)
        watchdog = threading.Timer(remaining, _cut, (connection,))
        watchdog.daemon = True
        watchdog.start()
        try:
            try:
                connection.connect()
            except OSError as exc:
                error = f"Cannot connect: {type(exc).__name__}: {exc}"
                continue  # the next address, if the receiver has another
            connection.request(
                "POST",
                target.path,
                body=body,
                headers={**headers, "Host": _host_header(target)},
                preload_content=False,
            )
            response = connection.getresponse()
            response.read(MAX_RESPONSE_BYTES)
            status = response.status
        except Exception as exc:
            late = time.monotonic() >= deadline
            if late:
                return outcome(None, f"Timeout: no answer within {settings.WEBHOOK_TIMEOUT} s.")
            return outcome(None, f"{type(exc).__name__}: {exc}")
        finally:
            watchdog.cancel()
            connection.close()
        if time.monotonic() >= deadline:
            return outcome(status, f"Timeout: the answer took over {settings.WEBHOOK_TIMEOUT} s.")
        if 300 <= status < 400:
            return outcome(status, "Redirects are not followed.")
        if not 200 <= status < 300:
            return outcome(status, f"The receiver answered {status}.")
        return outcome(status)
    return outcome(None, error)
