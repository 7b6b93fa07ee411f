"""The SMS the `file` backend wrote (SPEC §3), to read the one-time codes they carried."""

import json
import re
from pathlib import Path

from django.conf import settings


class Outbox:
    def __init__(self, path: Path) -> None:
        self.path = path

    def messages(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines()]

    def to(self, phone: str) -> list[dict]:
        return [message for message in self.messages() if message["to"] == phone]

    def code_for(self, phone: str) -> str:
        messages = self.to(phone)
        assert messages, f"no SMS to {phone}"
        length = settings.PHONE_CODE_LENGTH
        return re.search(rf"\b(\d{{{length}}})\b", messages[-1]["text"]).group(1)
