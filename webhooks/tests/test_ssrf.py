"""The SSRF guard of the deliveries (`webhooks.transport`): https only, and never an address
inside (loopback, private, shared, link-local, multicast, reserved, unspecified), checked on
what the receiver's name resolves to at the attempt itself. No test here opens a socket."""

import socket

import pytest

from webhooks import transport
from webhooks.transport import DeliveryRefused, Outcome, Target

FORBIDDEN = [
    pytest.param("127.0.0.1", id="loopback-v4"),
    pytest.param("127.255.255.254", id="loopback-v4-top"),
    pytest.param("::1", id="loopback-v6"),
    pytest.param("10.0.0.1", id="private-10"),
    pytest.param("10.255.255.255", id="private-10-top"),
    pytest.param("172.16.0.1", id="private-172.16"),
    pytest.param("172.31.255.254", id="private-172.31"),
    pytest.param("192.168.0.1", id="private-192.168"),
    pytest.param("100.64.0.1", id="shared-100.64"),
    pytest.param("100.127.255.254", id="shared-100.127"),
    pytest.param("169.254.0.1", id="link-local-v4"),
    pytest.param("169.254.169.254", id="cloud-metadata"),
    pytest.param("fe80::1", id="link-local-v6"),
    pytest.param("fe80::1%eth0", id="link-local-v6-scoped"),
    pytest.param("febf::1", id="link-local-v6-top"),
    pytest.param("fc00::1", id="unique-local-fc"),
    pytest.param("fd12:3456:789a::1", id="unique-local-fd"),
    pytest.param("224.0.0.1", id="multicast-v4"),
    pytest.param("239.255.255.250", id="multicast-v4-ssdp"),
    pytest.param("ff02::1", id="multicast-v6-link"),
    pytest.param("ff0e::1", id="multicast-v6-global"),
    pytest.param("240.0.0.1", id="reserved-240"),
    pytest.param("255.255.255.255", id="broadcast"),
    pytest.param("0.0.0.0", id="unspecified-v4"),
    pytest.param("0.1.2.3", id="this-network"),
    pytest.param("::", id="unspecified-v6"),
    pytest.param("::ffff:127.0.0.1", id="mapped-loopback"),
    pytest.param("2002:7f00:1::1", id="6to4-of-loopback"),
    pytest.param("2002:a00:1::1", id="6to4-of-private"),
    pytest.param("2001:0:4136:e378:8000:63bf:3fff:fdd2", id="teredo"),
    pytest.param("fec0::1", id="site-local"),
    pytest.param("::ffff:10.0.0.1", id="mapped-private"),
    pytest.param("::ffff:169.254.169.254", id="mapped-metadata"),
    pytest.param("::127.0.0.1", id="compatible-loopback"),
    pytest.param("64:ff9b::a00:1", id="nat64-private"),
    pytest.param("192.0.2.1", id="documentation-v4"),
    pytest.param("198.18.0.1", id="benchmarking"),
    pytest.param("2001:db8::1", id="documentation-v6"),
]
PUBLIC = [
    pytest.param("93.184.216.34", id="v4"),
    pytest.param("8.8.8.8", id="v4-dns"),
    pytest.param("172.32.0.1", id="v4-next-to-172.16/12"),
    pytest.param("100.128.0.1", id="v4-next-to-100.64/10"),
    pytest.param("2606:2800:220:1::1", id="v6"),
    pytest.param("2001:4860:4860::8888", id="v6-dns"),
    pytest.param("::ffff:93.184.216.34", id="mapped-public"),
]


@pytest.fixture(autouse=True)
def _public_receivers_only(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False


def literal(address: str) -> str:
    """The address as a URL's host."""
    return f"[{address}]" if ":" in address else address


def info(address: str, port: int = 443) -> tuple:
    """One `socket.getaddrinfo` answer."""
    if ":" in address:
        return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))


class Resolver:
    """A stand-in for the DNS: each name's addresses, and every name asked."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, int]] = []

    def getaddrinfo(self, host, port, *args, **kwargs):
        self.asked.append((host, port))
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [info(address, port) for address in self.answers[host]]


@pytest.fixture
def dns(monkeypatch):
    """`webhooks.transport`'s resolver, answering from `dns.answers` (no real lookup)."""
    resolver = Resolver({})
    monkeypatch.setattr(transport, "getaddrinfo", resolver.getaddrinfo)
    return resolver


class NoConnections:
    """Connections that fail the test when one is made."""

    def __init__(self) -> None:
        self.made: list = []

    def connection(self, *args, **kwargs):
        self.made.append((args, kwargs))
        raise AssertionError(f"A connection was made: {args} {kwargs}")


@pytest.fixture
def no_connections(monkeypatch) -> NoConnections:
    guard = NoConnections()
    monkeypatch.setattr(transport, "HTTPSConnection", guard.connection)
    monkeypatch.setattr(transport, "HTTPConnection", guard.connection)
    return guard


# --- address_allowed ------------------------------------------------------------------------


@pytest.mark.parametrize("address", FORBIDDEN)
def test_addresses_inside_are_refused(address):
    assert transport.address_allowed(address) is False


@pytest.mark.parametrize("address", PUBLIC)
def test_public_unicast_addresses_are_allowed(address):
    assert transport.address_allowed(address) is True


def test_an_address_that_is_not_one_is_a_value_error():
    with pytest.raises(ValueError):
        transport.address_allowed("hooks.example.com")


# --- url_problem: the subscription's early check --------------------------------------------


@pytest.mark.parametrize("address", FORBIDDEN)
def test_a_url_to_an_address_inside_is_refused_before_any_lookup(address, dns):
    host = literal(address.split("%")[0])

    assert transport.url_problem(f"https://{host}/hook") == "This address cannot receive webhooks."
    assert dns.asked == []


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost/",
        "https://LOCALHOST/",
        "https://localhost./",
        "https://localhost:8443/",
        "https://api.localhost/",
    ],
)
def test_localhost_by_name_is_refused(url):
    assert transport.url_problem(url) == "This address cannot receive webhooks."


@pytest.mark.parametrize("url", ["http://hooks.example.com/", "ftp://hooks.example.com/"])
def test_only_https_is_allowed(url):
    assert transport.url_problem(url) == "Only https URLs can receive webhooks."


@pytest.mark.parametrize(
    "url", ["https://user:pw@hooks.example.com/", "https://user@hooks.example.com/"]
)
def test_a_url_may_not_carry_credentials(url):
    assert transport.url_problem(url) == "The URL may not carry a user name or password."


@pytest.mark.parametrize(
    "url", ["https:///path", "https://hooks.example.com:99999/", "https://[::1/", "hooks"]
)
def test_a_url_that_is_not_one_is_refused(url):
    assert transport.url_problem(url) is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/in",
        "https://hooks.example.com:8443/in?x=1",
        "https://93.184.216.34/",
        "https://[2606:2800:220:1::1]/",
    ],
)
def test_a_public_https_url_may_receive(url, dns):
    assert transport.url_problem(url) is None
    assert dns.asked == []  # names are resolved at each attempt, not here


def test_allowing_private_receivers_allows_http_and_loopback(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True

    assert transport.url_problem("http://127.0.0.1:9/") is None
    assert transport.url_problem("https://localhost/") is None
    assert transport.url_problem("http://127.0.0.1:9/", allow_private=False) is not None
    assert transport.url_problem("ftp://127.0.0.1/") is not None


# --- resolve: the guard of each attempt -----------------------------------------------------


@pytest.mark.parametrize("address", FORBIDDEN)
def test_a_name_that_resolves_inside_is_refused(address, dns):
    dns.answers["hooks.example.com"] = [address]

    with pytest.raises(DeliveryRefused, match="resolves to a forbidden address"):
        transport.resolve("https://hooks.example.com/in")

    assert dns.asked == [("hooks.example.com", 443)]


@pytest.mark.parametrize("order", ["public first", "private first"])
def test_a_name_with_one_address_inside_is_refused_whatever_the_order(order, dns):
    addresses = ["93.184.216.34", "10.0.0.7"]
    dns.answers["hooks.example.com"] = addresses if order == "public first" else addresses[::-1]

    with pytest.raises(DeliveryRefused, match="resolves to a forbidden address"):
        transport.resolve("https://hooks.example.com/in")


def test_a_name_that_resolves_to_public_addresses_targets_each_one_checked_in_order(dns):
    dns.answers["hooks.example.com"] = ["93.184.216.34", "2606:2800:220:1::1"]

    target = transport.resolve("https://hooks.example.com:8443/in?x=1&y=2")

    assert target == Target(
        "https", "hooks.example.com", 8443, "/in?x=1&y=2", ("93.184.216.34", "2606:2800:220:1::1")
    )
    assert dns.asked == [("hooks.example.com", 8443)]


def test_a_url_without_a_path_posts_to_the_root_on_the_default_port(dns):
    dns.answers["hooks.example.com"] = ["2606:2800:220:1::1"]

    target = transport.resolve("https://hooks.example.com")

    assert (target.port, target.path, target.addresses) == (443, "/", ("2606:2800:220:1::1",))


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://hooks.example.com/", "Only https"),
        ("https://127.0.0.1/", "cannot receive"),
        ("https://[::ffff:127.0.0.1]/", "cannot receive"),
        ("https://localhost/", "cannot receive"),
        ("https://u:p@hooks.example.com/", "user name or password"),
    ],
)
def test_a_url_that_can_never_receive_is_refused_without_a_lookup(url, reason, dns):
    dns.answers["hooks.example.com"] = ["93.184.216.34"]

    with pytest.raises(DeliveryRefused, match=reason):
        transport.resolve(url)

    assert dns.asked == []


def test_a_name_that_does_not_resolve_is_refused(dns):
    with pytest.raises(DeliveryRefused, match=r"cannot resolve nowhere\.example\.com"):
        transport.resolve("https://nowhere.example.com/")


def test_a_name_that_resolves_to_nothing_is_refused(dns):
    dns.answers["empty.example.com"] = []

    with pytest.raises(DeliveryRefused, match="resolves to nothing"):
        transport.resolve("https://empty.example.com/")


def test_each_attempt_resolves_again(dns):
    """A name that was public when subscribed and points inside later (DNS rebinding)."""
    dns.answers["hooks.example.com"] = ["93.184.216.34"]
    assert transport.resolve("https://hooks.example.com/").addresses == ("93.184.216.34",)

    dns.answers["hooks.example.com"] = ["169.254.169.254"]

    with pytest.raises(DeliveryRefused):
        transport.resolve("https://hooks.example.com/")
    assert len(dns.asked) == 2


def test_allowing_private_receivers_lets_a_name_resolve_inside(settings, dns):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    dns.answers["receiver.local"] = ["127.0.0.1"]

    target = transport.resolve("http://receiver.local:9/hook")

    assert target == Target("http", "receiver.local", 9, "/hook", ("127.0.0.1",))


# --- post: nothing is sent where the guard says no ------------------------------------------


@pytest.mark.parametrize(
    "url, answers",
    [
        ("http://hooks.example.com/", ["93.184.216.34"]),
        ("https://127.0.0.1/", []),
        ("https://[::1]/", []),
        ("https://localhost/", []),
        ("https://hooks.example.com/", ["10.0.0.1"]),
        ("https://hooks.example.com/", ["93.184.216.34", "::ffff:127.0.0.1"]),
        ("https://nowhere.example.com/", None),
    ],
)
def test_a_refused_post_opens_no_connection(url, answers, dns, no_connections):
    if answers is not None:
        dns.answers["hooks.example.com"] = answers

    outcome = transport.post(url, body=b"{}", headers={"webhook-id": "evt_1"})

    assert isinstance(outcome, Outcome)
    assert outcome.status_code is None
    assert outcome.error.startswith("Refused")
    assert outcome.delivered is False
    assert no_connections.made == []


class FakeResponse:
    def __init__(self, status: int) -> None:
        self.status = status

    def read(self, amount=None) -> bytes:
        return b"ok"


class Pools:
    """Connections that record where they connect and what they send (the name is the
    fixture's, from when deliveries went through connection pools)."""

    def __init__(self, status: int = 204) -> None:
        self.status = status
        self.made: list[dict] = []
        self.requests: list[dict] = []
        self.refuse: set[str] = set()  # addresses whose connection fails

    def connection(self, host, port, **kwargs):
        self.made.append({"host": host, "port": port, **kwargs})
        pools = self

        class Connection:
            sock = None

            def connect(self) -> None:
                if host in pools.refuse:
                    raise ConnectionRefusedError(111, "Connection refused")

            def request(self, method, path, **kwargs):
                pools.requests.append({"method": method, "path": path, **kwargs})

            def getresponse(self):
                return FakeResponse(pools.status)

            def close(self) -> None:
                pass

        return Connection()


@pytest.fixture
def pools(monkeypatch) -> Pools:
    recorder = Pools()
    monkeypatch.setattr(transport, "HTTPSConnection", recorder.connection)
    monkeypatch.setattr(transport, "HTTPConnection", recorder.connection)
    return recorder


def test_the_post_goes_to_the_address_that_was_checked_under_the_receivers_name(dns, pools):
    """No second lookup between the check and the connection: the pool is made for the
    checked address, with the name for SNI, the certificate and `Host`."""
    dns.answers["hooks.example.com"] = ["93.184.216.34"]

    outcome = transport.post(
        "https://hooks.example.com/in?x=1", body=b"{}", headers={"webhook-id": "evt_1"}
    )

    assert (outcome.status_code, outcome.error, outcome.delivered) == (204, "", True)
    [made] = pools.made
    assert (made["host"], made["port"]) == ("93.184.216.34", 443)
    assert made["server_hostname"] == made["assert_hostname"] == "hooks.example.com"
    assert made["cert_reqs"] == "CERT_REQUIRED"
    [request] = pools.requests
    assert (request["method"], request["path"], request["body"]) == ("POST", "/in?x=1", b"{}")
    assert request["headers"] == {"webhook-id": "evt_1", "Host": "hooks.example.com"}
    assert len(dns.asked) == 1


def test_the_host_header_names_a_port_that_is_not_the_default(dns, pools):
    dns.answers["hooks.example.com"] = ["93.184.216.34"]

    transport.post("https://hooks.example.com:8443/", body=b"{}", headers={})

    assert pools.requests[0]["headers"]["Host"] == "hooks.example.com:8443"
    assert pools.made[0]["port"] == 8443


def test_the_host_header_of_an_ipv6_receiver_is_bracketed(dns, pools):
    dns.answers["2606:2800:220:1::1"] = ["2606:2800:220:1::1"]

    transport.post("https://[2606:2800:220:1::1]/", body=b"{}", headers={})

    assert pools.requests[0]["headers"]["Host"] == "[2606:2800:220:1::1]"


def test_the_host_header_of_an_ipv6_receiver_on_another_port_is_bracketed(dns, pools):
    dns.answers["2606:2800:220:1::1"] = ["2606:2800:220:1::1"]

    transport.post("https://[2606:2800:220:1::1]:8443/", body=b"{}", headers={})

    assert pools.requests[0]["headers"]["Host"] == "[2606:2800:220:1::1]:8443"


@pytest.mark.parametrize(
    "status, error",
    [
        (301, "Redirects are not followed."),
        (302, "Redirects are not followed."),
        (500, "The receiver answered 500."),
        (404, "The receiver answered 404."),
    ],
)
def test_anything_but_a_2xx_is_not_delivered(status, error, dns, pools):
    pools.status = status
    dns.answers["hooks.example.com"] = ["93.184.216.34"]

    outcome = transport.post("https://hooks.example.com/", body=b"{}", headers={})

    assert (outcome.status_code, outcome.error, outcome.delivered) == (status, error, False)


def test_an_address_that_cannot_be_reached_gives_way_to_the_next_one(dns, pools):
    dns.answers["hooks.example.com"] = ["2606:2800:220:1::1", "93.184.216.34"]
    pools.refuse = {"2606:2800:220:1::1"}

    outcome = transport.post("https://hooks.example.com/", body=b"{}", headers={})

    assert outcome.delivered
    assert [made["host"] for made in pools.made] == ["2606:2800:220:1::1", "93.184.216.34"]
    assert len(pools.requests) == 1


def test_no_address_that_can_be_reached_is_a_failed_attempt(dns, pools):
    dns.answers["hooks.example.com"] = ["93.184.216.34"]
    pools.refuse = {"93.184.216.34"}

    outcome = transport.post("https://hooks.example.com/", body=b"{}", headers={})

    assert (outcome.status_code, outcome.delivered) == (None, False)
    assert outcome.error.startswith("Cannot connect")


def test_an_internationalised_name_goes_on_the_wire_in_its_idna_form(dns, pools):
    dns.answers["xn--e1afmkfd.xn--p1ai"] = ["93.184.216.34"]

    outcome = transport.post("https://пример.рф/hook", body=b"{}", headers={})

    assert outcome.delivered
    assert pools.made[0]["server_hostname"] == "xn--e1afmkfd.xn--p1ai"
    assert pools.requests[0]["headers"]["Host"] == "xn--e1afmkfd.xn--p1ai"


def test_the_delivery_log_tells_no_reason_a_name_was_refused(dns):
    """Whether an internal name exists is nobody's business: the same words either way."""
    dns.answers["db.internal"] = ["10.0.0.5"]

    unknown = transport.post("https://nowhere.internal/", body=b"{}", headers={})
    inside = transport.post("https://db.internal/", body=b"{}", headers={})

    assert unknown.error == inside.error == transport.REFUSED


def test_a_name_whose_resolution_hangs_is_refused_in_time(monkeypatch):
    import threading

    release = threading.Event()

    def hang(*args, **kwargs):
        release.wait(10)
        raise OSError("too late")

    monkeypatch.setattr(transport, "getaddrinfo", hang)
    try:
        with pytest.raises(DeliveryRefused, match="took over"):
            transport.resolve("https://slow.example.com/", timeout=0.2)
    finally:
        release.set()
