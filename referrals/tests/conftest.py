import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings


class Outbox:
    """The SMS the `file` backend wrote, to read the one-time codes they carried."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def messages(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines()]

    def code_for(self, phone: str) -> str:
        texts = [message["text"] for message in self.messages() if message["to"] == phone]
        assert texts, f"no SMS to {phone}"
        length = django_settings.PHONE_CODE_LENGTH
        return re.search(rf"\b(\d{{{length}}})\b", texts[-1]).group(1)


@pytest.fixture
def outbox(settings, tmp_path) -> Outbox:
    """SMS go to a JSON-lines file in the test's own directory."""
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms" / "outbox.jsonl"
    return Outbox(settings.SMS_FILE_PATH)
