"""Real-browser tests (SPEC §9): Playwright driving Debian's Chromium against a live server.

Playwright cannot download its own browser here, so it launches `/usr/bin/chromium` (or
`CHROMIUM_PATH`). In CI (`CI` set) a missing Chromium fails the run (`.ci/run` installs it);
elsewhere these tests are skipped with the reason. Every request the browser makes is
checked: anything that would leave the host fails the test. Screenshots go to
`var/browser/` (`BROWSER_ARTIFACTS_DIR`), which git ignores: look at them, don't commit them.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from accounts.tokens import issue_token_pair
from catalog.tests.factories import BankFactory, CategoryFactory, ProductFactory
from orders.models import Channel, Order, ReferralClick
from referrals.tests.factories import PartnerFactory

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(
    os.environ.get("BROWSER_ARTIFACTS_DIR") or Path(settings.BASE_DIR) / "var" / "browser"
)
PHONE = {"width": 360, "height": 740}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """One Chromium for the module, started after the test database exists.

    Playwright's sync API keeps an event loop in this thread; the tests' ORM calls are still
    synchronous, which Django cannot tell without `DJANGO_ALLOW_ASYNC_UNSAFE` (set only while
    the browser runs).
    """
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run the browser tests (.ci/run installs it)")
        pytest.skip(f"{reason}; the browser tests run in CI")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Visit:
    """A browser context on the live server that records every request and CSP complaint."""

    def __init__(self, browser, live_server, **options) -> None:
        self.host = urlsplit(live_server.url).netloc
        self.base = live_server.url
        self.context = browser.new_context(**options)
        self.outside: list[str] = []
        self.csp_errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)

    def _route(self, route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and (
            urlsplit(url).netloc != self.host
        ):
            self.outside.append(url)
            route.abort()
        else:
            route.continue_()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.csp_errors.append(message.text)

    def goto(self, path: str):
        return self.page.goto(self.base + path)

    def screenshot(self, name: str, *, full_page: bool = True) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / name, full_page=full_page)

    def close(self) -> None:
        self.context.close()
        assert self.outside == [], f"requests left the host: {self.outside}"


@pytest.fixture
def visit(browser, live_server):
    visits = []

    def open_(**options) -> Visit:
        v = Visit(browser, live_server, **options)
        visits.append(v)
        return v

    yield open_
    for v in visits:
        v.close()


@pytest.fixture
def offer():
    partner = PartnerFactory(username="anna")
    product = ProductFactory(
        name="Кэшбэк-карта",
        description="До 5% кэшбэка на всё; обслуживание бесплатно.",
        category=CategoryFactory(name="Кредитные карты"),
        bank=BankFactory(name="Пример Банк"),
    )
    return partner, product


def _no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_client_applies_on_a_phone_in_russian(visit, offer):
    partner, product = offer
    v = visit(viewport=PHONE, locale="ru-RU", is_mobile=True, has_touch=True)

    response = v.goto(f"/r/{partner.username}/{product.pk}/")

    assert response.status == 200
    page = v.page
    assert page.get_attribute("html", "lang") == "ru"
    assert page.locator("h1").inner_text() == "Кэшбэк-карта"
    _no_horizontal_scroll(page)
    v.screenshot("ru-360.png")
    page.get_by_label("Ежемесячный доход, ₽").fill("50 000")
    page.get_by_label("Электронная почта").fill("client@example.com")
    page.get_by_label("Телефон").fill("8 999 555-12-34")
    page.get_by_label("Я согласен(на) на обработку моих персональных данных").check()
    page.get_by_role("button", name="Отправить заявку").click()

    page.wait_for_url(re.compile(r"/r/done/[\w-]+/$"))
    order = Order.objects.get()
    assert page.locator("h1").inner_text() == f"Заявка № {order.pk} принята"
    assert "50\u00a0000,00" in page.locator(".summary").inner_text()
    _no_horizontal_scroll(page)
    v.screenshot("ru-done-360.png")
    assert order.channel == Channel.LINK
    assert order.phone == "+79995551234"
    assert ReferralClick.objects.count() == 1
    page.reload()  # a reload shows the same page and sends nothing again
    assert Order.objects.count() == 1
    assert v.csp_errors == []


def test_field_errors_are_shown_and_announced(visit, offer):
    partner, product = offer
    v = visit(viewport=PHONE, locale="en-US")
    v.goto(f"/r/{partner.username}/{product.pk}/")
    page = v.page
    page.get_by_label("Monthly income, ₽").fill("lots")
    page.get_by_label("E-mail").fill("not-an-email")
    page.get_by_label("Phone").fill("+79995551234")

    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Send the application").click()

    assert navigation.value.status == 400
    email = page.get_by_label("E-mail")
    assert email.get_attribute("aria-invalid") == "true"
    assert "id_email_client_error" in email.get_attribute("aria-describedby")
    assert page.locator("#id_email_client_error").inner_text() == "Enter a valid email address."
    assert page.locator("#id_income_error").inner_text() == "A valid number is required."
    assert "agree" in page.locator("#id_consent_error").inner_text()
    assert page.get_by_label("Phone").input_value() == "+79995551234"  # kept
    assert page.get_by_role("alert").first.is_visible()
    _no_horizontal_scroll(page)
    v.screenshot("en-errors-360.png")
    assert Order.objects.count() == 0


def test_english_page_when_the_browser_asks(visit, offer):
    partner, product = offer
    v = visit(viewport=PHONE, locale="en-GB")

    v.goto(f"/r/{partner.username}/{product.pk}/")

    assert v.page.get_attribute("html", "lang") == "en"
    assert v.page.get_by_role("button", name="Send the application").is_visible()
    assert "50,000" in v.page.locator("#id_income_helptext").inner_text()
    v.screenshot("en-360.png")
    assert v.csp_errors == []


def test_the_page_works_with_javascript_off(visit, offer):
    partner, product = offer
    v = visit(viewport=PHONE, locale="ru-RU", java_script_enabled=False)
    v.goto(f"/r/{partner.username}/{product.pk}/?lang=en")
    page = v.page
    page.get_by_label("Monthly income, ₽").fill("70000")
    page.get_by_label("E-mail").fill("nojs@example.com")
    page.get_by_label("Phone").fill("+79995550000")
    page.get_by_label("I agree to the processing of my personal data").check()

    page.get_by_role("button", name="Send the application").click()

    page.wait_for_url(re.compile(r"/r/done/[\w-]+/\?lang=en$"))
    assert page.locator("h1").inner_text().startswith("Application No.")
    assert Order.objects.get().email_client == "nojs@example.com"


def test_dead_link_and_root_pages(visit, offer):
    partner, _product = offer
    v = visit(viewport=PHONE, locale="ru-RU")

    response = v.goto(f"/r/{partner.username}/999999/")

    assert response.status == 404
    assert v.page.locator("h1").inner_text() == "Это предложение больше не действует"
    v.screenshot("ru-gone-360.png")
    assert v.goto("/").status == 200
    assert v.page.get_by_role("link", name="Документация API (Swagger UI)").is_visible()
    v.screenshot("ru-root-360.png")


def test_swagger_ui_authorises_with_a_bearer_token_and_lists_products(visit, offer):
    partner, product = offer
    access = issue_token_pair(partner)["access"]
    v = visit(viewport={"width": 1280, "height": 900}, locale="en-US")
    v.goto("/api/docs/")
    page = v.page

    page.get_by_role("button", name=re.compile("Authorize")).first.click()
    bearer = page.locator(".modal-ux .auth-container", has_text="jwtAuth")
    bearer.locator("#auth-bearer-value").fill(access)
    bearer.get_by_role("button", name="Apply credentials").click()
    bearer.get_by_role("button", name="Close").click()
    operation = page.locator("#operations-products-product_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()

    status = operation.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    body = operation.locator(".live-responses-table .response-col_description pre").first
    assert product.name in body.inner_text()
    assert f"/r/{partner.username}/{product.pk}/" in body.inner_text()
    status.scroll_into_view_if_needed()
    v.screenshot("swagger-ui.png", full_page=False)
    assert v.csp_errors == []


def test_redoc_loads_nothing_from_outside(visit):
    v = visit(viewport={"width": 1280, "height": 900}, locale="en-US")

    v.goto("/api/redoc/")

    v.page.locator(".api-content").first.wait_for()
    v.page.wait_for_load_state("networkidle")
    assert "Referral platform" in v.page.locator("h1").first.inner_text()
    # ReDoc's bundle always asks for its vendor's logo from a CDN; the site's policy refuses
    # it in the browser, so the request is never sent (and `close()` checks none was).
    assert all("cdn.redoc.ly" in error for error in v.csp_errors)
    v.screenshot("redoc.png", full_page=False)


def test_admin_sign_in_page_keeps_to_the_policy(visit):
    v = visit(viewport=PHONE, locale="ru-RU")

    v.goto("/admin/login/")

    assert v.page.get_attribute("html", "lang") == "ru"
    assert v.page.locator("#id_username").is_visible()
    assert v.csp_errors == []
