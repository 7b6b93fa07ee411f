"""The client's page of a referral link (SPEC §9): `GET`/`POST /r/{username}/{product_id}/`
and the thank-you page `/r/done/{token}/`, through Django's test client."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from catalog.tests.factories import BankFactory, CategoryFactory, ProductFactory
from orders.models import ChangeSource, Channel, Order, OrderStatus, ReferralClick
from orders.tests.helpers import form, link, snapshot
from pages.models import ApplicationReceipt

pytestmark = pytest.mark.django_db

GONE_RU = "Это предложение больше не действует"
GONE_EN = "This offer is no longer available"


def page(username: str, product_id: int) -> str:
    return f"/r/{username}/{product_id}/"


def consented(**overrides) -> dict:
    return {**form(**overrides), "consent": "on"}


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def product():
    return ProductFactory(
        name="Cashback card",
        description="Up to 5% back",
        category=CategoryFactory(name="Credit cards"),
        bank=BankFactory(name="Example Bank"),
    )


@pytest.fixture
def client():
    return Client()


# --- The page (GET) -------------------------------------------------------------------------


def test_page_shows_the_product_and_a_form_named_as_the_api_fields(client, partner, product):
    response = client.get(page(partner.username, product.pk))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    body = text(response)
    for shown in ("Cashback card", "Example Bank", "Credit cards", "Up to 5% back"):
        assert shown in body
    for name in ("income", "email_client", "phone", "consent"):
        assert f'name="{name}"' in body
        # every input has a label tied to it
        assert f'<label for="id_{name}">' in body
        assert f'id="id_{name}"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'type="checkbox" name="consent"' in body


def test_page_is_russian_by_default(client, partner, product):
    response = client.get(page(partner.username, product.pk))

    assert '<html lang="ru">' in text(response)
    assert "Отправить заявку" in text(response)
    assert response["Content-Language"] == "ru"


@pytest.mark.parametrize(
    ("query", "headers"),
    [("?lang=en", {}), ("", {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"})],
)
def test_page_is_english_when_asked(client, partner, product, query, headers):
    response = client.get(page(partner.username, product.pk) + query, **headers)

    assert '<html lang="en">' in text(response)
    assert "Send the application" in text(response)
    assert "Monthly income" in text(response)


def test_lang_parameter_wins_over_the_browser(client, partner, product):
    response = client.get(
        page(partner.username, product.pk) + "?lang=ru", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert '<html lang="ru">' in text(response)


def test_money_is_shown_in_the_language_format(client, partner, product):
    ru = text(client.get(page(partner.username, product.pk)))
    en = text(client.get(page(partner.username, product.pk) + "?lang=en"))

    assert "50\xa0000" in ru
    assert "50,000" in en


def test_page_counts_a_click_as_the_json_get_does(client, partner, product):
    client.get(page(partner.username, product.pk))
    client.head(page(partner.username, product.pk))

    assert ReferralClick.objects.filter(partner=partner, product=product).count() == 1


def test_page_has_a_policy_of_the_site_itself(client, partner, product):
    response = client.get(page(partner.username, product.pk))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "http" not in policy


def test_page_loads_nothing_from_elsewhere(client, partner, product):
    body = text(client.get(page(partner.username, product.pk)))

    assert not re.search(r"""(src|href)=["']?(https?:)?//""", body)
    assert "<script" not in body


def test_consent_links_the_bank_terms_when_it_has_them(client, partner, product):
    product.bank.terms_url = "https://bank.example/terms"
    product.bank.save()

    body = text(client.get(page(partner.username, product.pk) + "?lang=en"))

    assert '<a href="https://bank.example/terms" rel="noopener noreferrer">' in body


def test_consent_without_bank_terms_explains_who_gets_the_data(client, partner, product):
    body = text(client.get(page(partner.username, product.pk) + "?lang=en"))

    assert "go only to Example Bank" in body


# --- Dead links -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_partner_is_a_friendly_404(client, product, method):
    response = getattr(client, method)(page("nobody", product.pk), consented())

    assert response.status_code == 404
    assert GONE_RU in text(response)
    assert Order.objects.count() == 0


def test_inactive_partner_inactive_product_and_other_bank_are_the_same_404(client, product):
    inactive = UserFactory(is_active=False)
    with_other_bank = UserFactory(bank=BankFactory())
    partner = UserFactory()
    retired = ProductFactory(is_active=False)

    for url in (
        page(inactive.username, product.pk),
        page(with_other_bank.username, product.pk),
        page(partner.username, retired.pk),
        page(partner.username, 999999),
    ):
        response = client.get(url + "?lang=en")
        assert response.status_code == 404, url
        assert GONE_EN in text(response)
    assert ReferralClick.objects.count() == 0


# --- Applying (POST) ------------------------------------------------------------------------


def test_valid_application_redirects_303_to_a_thank_you_page(client, partner, product):
    response = client.post(page(partner.username, product.pk), consented())

    assert response.status_code == 303
    order = Order.objects.get()
    receipt = ApplicationReceipt.objects.get()
    assert response["Location"] == f"/r/done/{receipt.token}/"
    assert receipt.order == order
    assert len(receipt.token) >= 40  # random, not the id: guessing another's page is hopeless
    assert client.get(f"/r/done/{order.pk}/").status_code == 404
    assert order.partner == partner
    assert order.product == product
    assert order.status == OrderStatus.NEW
    assert order.channel == Channel.LINK
    assert order.income == Decimal("20.00")
    assert order.phone == "+79991234567"
    assert order.history.get().source == ChangeSource.CLIENT


def test_thank_you_page_shows_the_number_and_survives_a_reload(client, partner, product):
    done = client.post(page(partner.username, product.pk), consented())["Location"]

    first = client.get(done)
    again = client.get(done)

    assert first.status_code == again.status_code == 200
    assert f"Заявка № {Order.objects.get().pk} принята" in text(first)
    assert text(first) == text(again)
    assert Order.objects.count() == 1
    assert "no-store" in first["Cache-Control"]
    # the client's contacts are not repeated on a page that anyone with the URL could see
    assert "client@example.com" not in text(first)
    assert "+79991234567" not in text(first)


def test_thank_you_page_keeps_the_chosen_language(client, partner, product):
    response = client.post(page(partner.username, product.pk) + "?lang=en", consented())

    assert response["Location"].endswith("/?lang=en")
    body = text(client.get(response["Location"]))
    assert f"Application No. {Order.objects.get().pk} received" in body
    assert "What happens next" in body


def test_unknown_thank_you_token_is_a_404(client):
    response = client.get("/r/done/" + "x" * 43 + "/")

    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_money_typed_as_people_write_it_is_accepted(client, partner, product):
    client.post(page(partner.username, product.pk), consented(income="50 000,50"))
    client.post(
        page(partner.username, product.pk) + "?lang=en",
        consented(income="70,000.25", email_client="b@example.com", phone="+79990000001"),
    )

    incomes = sorted(Order.objects.values_list("income", flat=True))
    assert incomes == [Decimal("50000.50"), Decimal("70000.25")]


@pytest.mark.parametrize(("query", "income"), [("?lang=en", "50000,50"), ("", "50.000,5")])
def test_money_that_is_not_a_number_in_the_language_is_refused(
    client, partner, product, query, income
):
    response = client.post(page(partner.username, product.pk) + query, consented(income=income))

    assert response.status_code == 400
    assert 'id="id_income_error"' in text(response)
    assert Order.objects.count() == 0


def test_thank_you_page_shows_the_income_in_the_language_format(client, partner, product):
    done = client.post(page(partner.username, product.pk), consented(income="50000"))["Location"]

    assert "50\xa0000,00" in text(client.get(done))
    assert "50,000.00" in text(client.get(done + "?lang=en"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("income", "lots", "A valid number is required."),
        ("income", "0", "Ensure this value is greater than or equal to 0.01."),
        ("email_client", "not-an-email", "Enter a valid email address."),
        ("phone", "12", "Enter a valid phone number."),
    ],
)
def test_invalid_input_shows_the_form_again_with_the_message_by_its_field(
    client, partner, product, field, value, message
):
    client.get(page(partner.username, product.pk))
    before = snapshot()

    response = client.post(
        page(partner.username, product.pk) + "?lang=en", consented(**{field: value})
    )

    assert response.status_code == 400
    assert snapshot() == before  # nothing created, and no second click
    body = text(response)
    assert f'<p class="field__error" id="id_{field}_error">{message}</p>' in body
    [tag] = re.findall(rf'<input[^>]*name="{field}"[^>]*>', body)
    assert 'aria-invalid="true"' in tag
    assert f"id_{field}_error" in re.search(r'aria-describedby="([^"]*)"', tag).group(1)
    assert f'value="{value}"' in tag  # the value is kept
    assert 'role="alert"' in body


def test_the_json_api_refuses_the_same_input_with_the_same_message(api_client, partner, product):
    response = api_client.post(link(partner.username, product.pk), form(income="lots"))

    assert response.json() == {"income": ["A valid number is required."]}


def test_messages_are_russian_on_the_russian_page(client, partner, product):
    response = client.post(page(partner.username, product.pk), consented(email_client="nope"))

    assert response.status_code == 400
    assert "Введите правильный адрес электронной почты." in text(response)


def test_missing_consent_is_refused_and_nothing_is_created(client, partner, product):
    response = client.post(page(partner.username, product.pk) + "?lang=en", form())

    assert response.status_code == 400
    assert Order.objects.count() == 0
    assert "Please agree to the processing of your personal data." in text(response)
    [tag] = re.findall(r'<input[^>]*name="consent"[^>]*>', text(response))
    assert 'aria-invalid="true"' in tag


def test_empty_form_names_every_field(client, partner, product):
    response = client.post(page(partner.username, product.pk) + "?lang=en", {})

    assert response.status_code == 400
    for field in ("income", "email_client", "phone", "consent"):
        assert f'id="id_{field}_error"' in text(response)
    assert Order.objects.count() == 0


def test_duplicate_within_24_hours_is_refused_on_the_page(client, partner, product):
    client.post(page(partner.username, product.pk), consented())

    response = client.post(
        page(partner.username, product.pk) + "?lang=en", consented(phone="+79990000009")
    )

    assert response.status_code == 409
    assert "was sent in the last 24 hours" in text(response)
    assert Order.objects.count() == 1


def test_page_and_json_share_the_duplicate_rule(api_client, client, partner, product):
    assert api_client.post(link(partner.username, product.pk), form()).status_code == 201

    response = client.post(page(partner.username, product.pk), consented())

    assert response.status_code == 409
    assert Order.objects.count() == 1


def test_post_without_csrf_token_is_refused(partner, product):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(page(partner.username, product.pk), consented())

    assert response.status_code == 403
    assert "text/html" in response["Content-Type"]
    assert Order.objects.count() == 0


def test_post_with_the_page_csrf_token_is_accepted(partner, product):
    strict = Client(enforce_csrf_checks=True)
    body = text(strict.get(page(partner.username, product.pk)))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)

    response = strict.post(
        page(partner.username, product.pk), {**consented(), "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 303


# --- Throttles ------------------------------------------------------------------------------


def test_throttled_client_sees_a_page_saying_when_to_try_again(settings, client, partner, product):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "public_order": "1/min"}
    client.post(page(partner.username, product.pk), consented())

    response = client.post(
        page(partner.username, product.pk) + "?lang=en",
        consented(email_client="b@example.com", phone="+79990000001"),
    )

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert re.search(r"Please try again in \d+ seconds?\.", text(response))
    assert Order.objects.count() == 1


def test_page_and_json_share_one_allowance(settings, api_client, client, partner, product):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "public_order": "1/min"}
    api_client.post(link(partner.username, product.pk), form())

    response = client.post(
        page(partner.username, product.pk),
        consented(email_client="b@example.com", phone="+79990000001"),
    )

    assert response.status_code == 429
    assert "Слишком много попыток" in text(response)


def test_page_visits_are_throttled_like_the_json_landing(settings, client, partner, product):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "landing": "1/min"}
    client.get(page(partner.username, product.pk))

    response = client.get(page(partner.username, product.pk))

    assert response.status_code == 429
    assert ReferralClick.objects.count() == 1


# --- Root page, product items ---------------------------------------------------------------


def test_root_page_names_the_platform_and_links_docs_and_admin(client):
    response = client.get("/")

    assert response.status_code == 200
    body = text(response)
    assert '<html lang="ru">' in body
    assert "Партнёрская программа банковских продуктов" in body
    for target in ("/api/docs/", "/api/redoc/", "/admin/"):
        assert f'href="{target}"' in body


def test_product_items_carry_the_page_of_the_link(partner_client, partner, product):
    item = partner_client.get(f"/api/product/{product.pk}/").json()

    assert item["page"] == f"http://testserver/r/{partner.username}/{product.pk}/"
    assert Client().get(item["page"]).status_code == 200


def test_product_page_url_follows_public_base_url(settings, partner_client, partner, product):
    settings.PUBLIC_BASE_URL = "https://ref.example"

    item = partner_client.get(f"/api/product/{product.pk}/").json()

    assert item["page"] == f"https://ref.example/r/{partner.username}/{product.pk}/"


def test_a_partner_called_done_keeps_its_links(client, product):
    done = UserFactory(username="done")

    assert client.get(page(done.username, product.pk)).status_code == 200


def test_the_client_e_mail_speaks_the_language_of_the_page(
    client, partner, product, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page(partner.username, product.pk), consented())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            page(partner.username, product.pk) + "?lang=en",
            consented(email_client="b@example.com", phone="+79990000001"),
        )

    russian, english = mailoutbox
    assert russian.subject == "Ваша заявка на Cashback card принята"
    assert "передана в банк" in russian.body
    assert english.subject == "Your application for Cashback card was received"
