"""What the partner tests of accounts share: the phone sign-in's URLs, numbers and answers,
and signed-in clients and checks of tokens."""

from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from tests.clients import signed_in

SEND = "/api/auth/phone/"
VERIFY = "/api/auth/phone/verify/"
PHONE = "+79991234567"
NATIONAL = "8 (999) 123-45-67"
OTHER_PHONE = "+79997654321"
INVALID = {"detail": "Invalid or expired code."}
SENT = {
    "detail": "If the number can receive SMS, a code has been sent.",
    "expires_in": 300,
    "retry_after": 60,
}


def send(client: APIClient, phone: str = PHONE, **extra):
    return client.post(SEND, {"phone": phone}, format="json", **extra)


def verify(client: APIClient, code: str, phone: str = PHONE, **body):
    return client.post(VERIFY, {"phone": phone, "code": code, **body}, format="json")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def assert_dead(pair: dict) -> None:
    """Neither token of `pair` works any more, and trying them changes nothing."""
    blacklisted = BlacklistedToken.objects.count()
    client = APIClient()

    assert signed_in(pair["access"]).get("/api/profile/").status_code == 401
    assert client.post("/api/token/verify/", {"token": pair["access"]}).status_code == 401
    assert client.post("/api/token/verify/", {"token": pair["refresh"]}).status_code == 401
    refreshed = client.post("/api/token/refresh/", {"refresh": pair["refresh"]}, format="json")
    assert refreshed.status_code == 401
    assert BlacklistedToken.objects.count() == blacklisted


def assert_alive(pair: dict) -> None:
    assert signed_in(pair["access"]).get("/api/profile/").status_code == 200
    refreshed = APIClient().post("/api/token/refresh/", {"refresh": pair["refresh"]})
    assert refreshed.status_code == 200
