"""A failed SMS send uses up no allowance (issue 11, point 5; SPEC §7).

Five gateway failures used to spend the phone's hourly allowance (and the address's): the
partner then got 429 for an hour for codes that never left.
"""

import pytest

from accounts.tests.helpers import PHONE, send
from tests.sms import Outbox

pytestmark = pytest.mark.django_db


def test_failed_sends_leave_the_hourly_allowances_whole(api_client, settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path  # a directory: every write fails, as a dead gateway does
    tries = settings.PHONE_CODE_PER_PHONE_HOURLY + 3
    for _ in range(tries):
        assert send(api_client).status_code == 503

    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    response = send(api_client)

    assert response.status_code == 202, response.content
    assert Outbox(settings.SMS_FILE_PATH).code_for(PHONE)


def test_failed_sends_leave_the_address_allowance_whole(api_client, settings, tmp_path):
    settings.PHONE_CODE_PER_IP_HOURLY = 2
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path
    for number in range(5):
        assert send(api_client, phone=f"+7999123450{number}").status_code == 503

    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    assert send(api_client, phone="+79991234599").status_code == 202
    assert send(api_client, phone="+79991234598").status_code == 202
    assert send(api_client, phone="+79991234597").status_code == 429  # the cap still holds
