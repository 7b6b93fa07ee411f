"""Phone sign-in with one-time SMS codes: POST /api/auth/phone/ and /api/auth/phone/verify/."""

import re
from datetime import timedelta

import pytest
import redis
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import PhoneCode
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import (
    INVALID,
    NATIONAL,
    OTHER_PHONE,
    PHONE,
    SENT,
    VERIFY,
    send,
    signed_in,
    verify,
    wrong,
)
from core import ratelimit
from tests.concurrency import run_at_once, skip_unless_postgresql

User = get_user_model()

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["database", "redis"])
def store(request, settings):
    """Run a limit test on each shared store a server may count in."""
    if request.param == "redis":
        if not redis_available():
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        settings.REDIS_URL = REDIS_URL
    else:
        settings.REDIS_URL = ""
    yield request.param
    if request.param == "redis":
        ratelimit.clear_all()


# --- Sending ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_send_answers_202_and_the_sms_carries_a_six_digit_code(api_client, outbox):
    response = send(api_client, NATIONAL)

    assert response.status_code == 202
    assert response.json() == SENT
    [message] = outbox.messages()
    assert message["to"] == PHONE
    assert re.search(r"\b\d{6}\b", message["text"])
    assert PhoneCode.objects.filter(phone=PHONE).count() == 1


@pytest.mark.django_db
def test_code_is_stored_only_as_a_keyed_hash_bound_to_the_phone(api_client, outbox):
    from accounts.phone_codes import phone_code_hash

    send(api_client)
    code = outbox.code_for(PHONE)
    row = PhoneCode.objects.get()

    assert re.fullmatch(r"[0-9a-f]{64}", row.code_hash)
    assert code not in row.code_hash
    assert row.code_hash == phone_code_hash(phone=PHONE, code=code)
    assert row.code_hash != phone_code_hash(phone=OTHER_PHONE, code=code)
    assert row.expires_at - row.created_at == timedelta(seconds=300)


@pytest.mark.django_db
def test_code_length_is_a_setting(api_client, outbox, settings):
    settings.PHONE_CODE_LENGTH = 8
    send(api_client)

    assert len(outbox.code_for(PHONE)) == 8
    assert verify(api_client, outbox.code_for(PHONE)).status_code == 200


@pytest.mark.django_db
def test_same_answer_for_registered_and_unknown_phones(api_client, outbox):
    UserFactory(phone=PHONE)

    known = send(api_client, PHONE)
    unknown = send(api_client, OTHER_PHONE)

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json() == SENT
    assert len(outbox.to(PHONE)) == len(outbox.to(OTHER_PHONE)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["12345", "not a phone", "", "+7999123456789012345"])
def test_send_refuses_an_invalid_phone(api_client, outbox, phone):
    response = send(api_client, phone)

    assert response.status_code == 400
    assert "phone" in response.json()
    assert outbox.messages() == []
    assert not PhoneCode.objects.exists()


@pytest.mark.django_db
def test_console_backend_logs_the_message(api_client, caplog, settings):
    settings.SMS_BACKEND = "console"
    with caplog.at_level("INFO", logger="accounts.sms"):
        assert send(api_client).status_code == 202

    assert any(PHONE in record.getMessage() for record in caplog.records)


# --- Verifying: sign-up and sign-in -------------------------------------------------------


@pytest.mark.django_db
def test_first_verify_registers_a_partner_with_a_random_username_and_no_password(
    api_client, outbox
):
    send(api_client)
    response = verify(api_client, outbox.code_for(PHONE), phone=NATIONAL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh", "created", "user"}
    assert body["created"] is True
    assert set(body["user"]) == {"id", "username", "phone", "invite_code"}
    assert re.fullmatch(r"p-[a-z0-9]{8}", body["user"]["username"])
    assert body["user"]["phone"] == PHONE
    assert re.fullmatch(r"[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}", body["user"]["invite_code"])
    user = User.objects.get()
    assert user.pk == body["user"]["id"]
    assert user.phone == PHONE
    assert not user.has_usable_password()
    profile = signed_in(body["access"]).get("/api/profile/")
    assert profile.status_code == 200
    assert profile.json()["User"][0]["invite_code"] == body["user"]["invite_code"]


@pytest.mark.django_db
def test_later_verify_signs_the_same_partner_in(api_client, outbox, settings):
    settings.PHONE_CODE_RESEND_SECONDS = 0
    send(api_client)
    first = verify(api_client, outbox.code_for(PHONE)).json()
    send(api_client)
    second = verify(api_client, outbox.code_for(PHONE))

    assert second.status_code == 200
    assert second.json()["created"] is False
    assert second.json()["user"] == first["user"]
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_existing_partner_with_a_password_signs_in_by_phone(api_client, outbox):
    partner = UserFactory(phone=PHONE)
    send(api_client)
    response = verify(api_client, outbox.code_for(PHONE))

    assert response.status_code == 200
    assert response.json()["created"] is False
    assert response.json()["user"]["id"] == partner.pk
    assert signed_in(response.json()["access"]).get("/api/profile/").status_code == 200
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_code_works_once(api_client, outbox):
    send(api_client)
    code = outbox.code_for(PHONE)

    assert verify(api_client, code).status_code == 200
    again = verify(api_client, code)

    assert again.status_code == 400
    assert again.json() == INVALID
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_five_wrong_tries_kill_the_code(api_client, outbox):
    send(api_client)
    code = outbox.code_for(PHONE)

    for _ in range(5):
        response = verify(api_client, wrong(code))
        assert response.status_code == 400
        assert response.json() == INVALID
    assert PhoneCode.objects.get().attempts == 5
    dead = verify(api_client, code)

    assert dead.status_code == 400
    assert dead.json() == INVALID
    assert not User.objects.exists()


@pytest.mark.django_db
def test_max_attempts_is_a_setting(api_client, outbox, settings):
    settings.PHONE_CODE_MAX_ATTEMPTS = 2
    send(api_client)
    code = outbox.code_for(PHONE)
    verify(api_client, wrong(code))
    verify(api_client, wrong(code))

    assert verify(api_client, code).json() == INVALID


@pytest.mark.django_db
def test_a_wrong_try_below_the_limit_leaves_the_code_usable(api_client, outbox):
    send(api_client)
    code = outbox.code_for(PHONE)
    verify(api_client, wrong(code))

    assert verify(api_client, code).status_code == 200


@pytest.mark.django_db
def test_an_expired_code_is_refused(api_client, outbox):
    send(api_client)
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = verify(api_client, outbox.code_for(PHONE))

    assert response.status_code == 400
    assert response.json() == INVALID
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_phone_without_a_code_and_a_malformed_code_get_the_same_answer(api_client, outbox):
    send(api_client)
    unknown = verify(api_client, "123456", phone=OTHER_PHONE)
    letters = verify(api_client, "abcdef")

    assert unknown.status_code == letters.status_code == 400
    assert unknown.json() == letters.json() == INVALID
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_code_is_bound_to_its_phone(api_client, outbox, settings):
    settings.PHONE_CODE_RESEND_SECONDS = 0
    send(api_client, PHONE)
    send(api_client, OTHER_PHONE)

    response = verify(api_client, outbox.code_for(PHONE), phone=OTHER_PHONE)

    assert response.json() == INVALID


@pytest.mark.django_db
def test_a_new_code_ends_the_previous_one(api_client, outbox, settings):
    settings.PHONE_CODE_RESEND_SECONDS = 0
    send(api_client)
    first = outbox.code_for(PHONE)
    send(api_client)
    second = outbox.code_for(PHONE)
    if first == second:
        pytest.skip("the two random codes happen to be equal")

    assert verify(api_client, first).json() == INVALID
    assert verify(api_client, second).status_code == 200


@pytest.mark.django_db
def test_deactivated_partner_gets_the_wrong_code_answer(api_client, outbox):
    UserFactory(phone=PHONE, is_active=False)
    send(api_client)
    response = verify(api_client, outbox.code_for(PHONE))

    assert response.status_code == 400
    assert response.json() == INVALID
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["phone", "code"])
def test_verify_requires_phone_and_code(api_client, field):
    body = {"phone": PHONE, "code": "123456"}
    del body[field]
    response = api_client.post(VERIFY, body, format="json")

    assert response.status_code == 400
    assert field in response.json()


# --- Invite code on sign-up ---------------------------------------------------------------


def registered_with_code(api_client, outbox, phone: str) -> dict:
    send(api_client, phone)
    return verify(api_client, outbox.code_for(phone), phone=phone).json()


@pytest.mark.django_db
def test_invite_code_on_sign_up_makes_its_owner_the_referrer(api_client, outbox, settings):
    settings.PHONE_CODE_RESEND_SECONDS = 0
    referrer = registered_with_code(api_client, outbox, OTHER_PHONE)
    send(api_client)
    response = verify(
        api_client, outbox.code_for(PHONE), invite_code=referrer["user"]["invite_code"].lower()
    )

    assert response.status_code == 200
    assert response.json()["created"] is True
    [me] = signed_in(response.json()["access"]).get("/api/profile/").json()["User"]
    assert me["activated_code"] == referrer["user"]["invite_code"]
    [them] = signed_in(referrer["access"]).get("/api/profile/").json()["User"]
    assert them["referrals_count"] == 1
    assert them["referrals"] == [{"username": me["username"], "phone": "+7999***4567"}]


@pytest.mark.django_db
@pytest.mark.parametrize("invite_code", ["NOPE42", "x", "bad code!", "A" * 40])
def test_unusable_invite_code_is_refused_before_anything_happens(api_client, outbox, invite_code):
    send(api_client)
    code = outbox.code_for(PHONE)
    response = verify(api_client, code, invite_code=invite_code)

    assert response.status_code == 400
    assert "invite_code" in response.json()
    assert not User.objects.exists()
    row = PhoneCode.objects.get()
    assert row.used_at is None
    assert row.attempts == 0
    # The one-time code was not spent: the partner can go on without the invite code.
    assert verify(api_client, code).status_code == 200


@pytest.mark.django_db
def test_invite_code_is_checked_even_with_a_wrong_code(api_client, outbox):
    send(api_client)
    response = verify(api_client, wrong(outbox.code_for(PHONE)), invite_code="NOPE42")

    assert response.status_code == 400
    assert "invite_code" in response.json()
    assert PhoneCode.objects.get().attempts == 0


# --- Limits, in the shared store the server counts in -------------------------------------


@pytest.mark.django_db
def test_a_second_code_within_the_pause_is_429_with_retry_after(api_client, outbox, store):
    assert send(api_client).status_code == 202
    response = send(api_client)

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "detail" in response.json()
    assert len(outbox.messages()) == 1
    assert PhoneCode.objects.count() == 1


@pytest.mark.django_db
def test_at_most_five_codes_per_phone_an_hour(api_client, outbox, store, settings):
    settings.PHONE_CODE_RESEND_SECONDS = 0
    for _ in range(5):
        assert send(api_client).status_code == 202
    refused = send(api_client)

    assert refused.status_code == 429
    assert 3500 <= int(refused["Retry-After"]) <= 3600
    assert len(outbox.to(PHONE)) == 5
    assert send(api_client, OTHER_PHONE).status_code == 202


@pytest.mark.django_db
def test_per_phone_cap_holds_across_clients(outbox, store, settings):
    settings.PHONE_CODE_RESEND_SECONDS = 0
    settings.PHONE_CODE_PER_PHONE_HOURLY = 2
    for address in ("10.0.0.1", "10.0.0.2"):
        assert send(APIClient(), REMOTE_ADDR=address).status_code == 202

    assert send(APIClient(), REMOTE_ADDR="10.0.0.3").status_code == 429


def many_phones(count: int) -> list[str]:
    return [f"+7999000{index:04d}" for index in range(count)]


@pytest.mark.django_db
def test_at_most_twenty_codes_per_client_ip_an_hour(api_client, outbox, store):
    phones = many_phones(21)
    for phone in phones[:20]:
        assert send(api_client, phone).status_code == 202
    refused = send(api_client, phones[20])

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 60
    assert outbox.to(phones[20]) == []
    assert send(APIClient(), phones[20], REMOTE_ADDR="10.9.9.9").status_code == 202


@pytest.mark.django_db
def test_a_forged_x_forwarded_for_does_not_escape_the_ip_cap(outbox, store, settings):
    settings.PHONE_CODE_PER_IP_HOURLY = 3
    phones = many_phones(4)
    for index, phone in enumerate(phones[:3]):
        forged = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{index}"}
        assert send(APIClient(), phone, **forged).status_code == 202
    refused = send(APIClient(), phones[3], HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert refused.status_code == 429
    assert outbox.to(phones[3]) == []


@pytest.mark.django_db
def test_limits_are_counted_in_the_shared_store(api_client, outbox, store):
    send(api_client)

    assert ratelimit.hit(f"otp:resend:{PHONE}", window=60).count == 2
    assert ratelimit.hit(f"otp:phone:{PHONE}", window=3600).count == 2
    assert ratelimit.hit("otp:ip:127.0.0.1", window=3600).count == 2


@pytest.mark.django_db
def test_verify_is_throttled_per_ip(api_client, outbox, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "auth": "3/min"}
    for _ in range(3):
        assert verify(api_client, "000000").status_code == 400
    response = verify(api_client, "000000")

    assert response.status_code == 429
    assert "Retry-After" in response


# --- Races: real threads on PostgreSQL ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_sends_for_one_phone_send_one_sms(outbox, store):
    skip_unless_postgresql()
    statuses = run_at_once([lambda: send(APIClient()).status_code] * 8)

    assert sorted(statuses) == [202] + [429] * 7
    assert len(outbox.messages()) == 1
    assert PhoneCode.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_verifies_of_one_code_give_one_token_pair(outbox):
    skip_unless_postgresql()
    send(APIClient())
    code = outbox.code_for(PHONE)

    responses = run_at_once([lambda: verify(APIClient(), code)] * 8)

    assert sorted(response.status_code for response in responses) == [200] + [400] * 7
    assert all(r.json() == INVALID for r in responses if r.status_code == 400)
    assert User.objects.count() == 1
    assert PhoneCode.objects.get().used_at is not None
