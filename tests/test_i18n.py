"""Languages: Russian and English everywhere, chosen by `Accept-Language` or `?lang=`.

The clients' pages default to Russian (pages/tests); the JSON API defaults to English, the
language its messages are documented in, so integrations that send no `Accept-Language` read
what they always did (core.middleware.LanguageMiddleware).
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_api_speaks_english_when_no_language_is_asked(api_client):
    response = api_client.get("/api/no-such-endpoint/")

    assert response.json() == {"detail": "Not found."}
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/no-such-endpoint/", {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9,en;q=0.8"}),
        ("/api/no-such-endpoint/?lang=ru", {}),
    ],
)
def test_api_speaks_russian_when_asked(api_client, path, headers):
    response = api_client.get(path, **headers)

    assert response.json() == {"detail": "Не найдено."}
    assert response["Content-Language"] == "ru"


def test_api_validation_messages_follow_the_language(api_client):
    response = api_client.post("/api/auth/register/", {}, format="json", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 400
    assert response.json()["username"] == ["Обязательное поле."]


def test_project_messages_are_translated(api_client, partner_client):
    response = partner_client.post(
        "/api/referrals/apply/", {"code": "NOSUCH"}, format="json", HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert response.json() == {"code": ["Неверный или истёкший код приглашения."]}


def test_an_unsupported_language_falls_back_to_the_default(api_client):
    response = api_client.get("/api/no-such-endpoint/", HTTP_ACCEPT_LANGUAGE="de-DE,de")

    assert response.json() == {"detail": "Not found."}


def test_admin_follows_the_browser(admin_client):
    assert '<html lang="en"' in admin_client.get("/admin/").content.decode()
    russian = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="ru"' in russian


def _po_entries() -> dict[str, str]:
    """msgid -> msgstr (msgstr[0] of plurals) of the committed Russian catalogue."""
    entries, key, current = {}, None, {}
    for line in [*PO.read_text(encoding="utf-8").splitlines(), ""]:
        match = re.match(r'^(msgid|msgid_plural|msgstr|msgstr\[0\]|msgstr\[\d\]) (".*")$', line)
        if match:
            key = match.group(1)
            current[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current.get("msgid"):
                entries[current["msgid"]] = current.get("msgstr", current.get("msgstr[0]", ""))
            key, current = None, {}
    return entries


def test_every_message_of_the_catalogue_is_translated_and_compiled():
    entries = _po_entries()
    compiled = gettext.GNUTranslations(MO.open("rb"))

    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr]
    assert untranslated == []
    stale = [msgid for msgid, msgstr in entries.items() if compiled.gettext(msgid) != msgstr]
    assert stale == [], "the .mo is older than the .po: run `manage.py compilemessages`"


def test_a_russian_request_leaves_no_russian_behind(client):
    client.get("/", HTTP_ACCEPT_LANGUAGE="ru")

    assert translation.get_language() == "en"
