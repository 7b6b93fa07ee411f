"""A partner's public referral link: `GET`/`POST /api/order/ref/{username}/{product_id}/`."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.tests.factories import BankFactory, CategoryFactory, ProductFactory
from orders.models import Order, ReferralClick
from orders.tests.factories import DraftFactory, OrderFactory
from orders.tests.helpers import form, link, snapshot

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found."}
DUPLICATE = {
    "detail": (
        "An application with this phone or e-mail for this product was sent in the last 24 hours."
    )
}
REQUIRED = ["This field is required."]
# An application through a link runs at most this many queries of its own, with nothing in
# the cache yet: the partner and the product (the shared cache keeps both), then in one
# savepoint the product's own row locked, the duplicate check, the application's INSERT, its
# history row's and its events'. Warm, the first two are not run (`test_link_cache`).
SUBMIT_QUERIES = 9
# What the throttle adds when it counts in database rows (no `REDIS_URL`); with Redis it runs
# no query at all. Each test counts under a fresh key prefix (conftest.py), so this is a first
# hit: SELECT ... FOR UPDATE and INSERT of the counter, each in a savepoint (6 queries), plus
# the sweep of expired counters that a first hit runs one time in a hundred. Later hits of a
# window cost 4 (savepoint, SELECT ... FOR UPDATE, UPDATE, release).
THROTTLE_DB_QUERIES = 7


@pytest.fixture
def product():
    return ProductFactory(
        name="Cashback card",
        description="Up to 5% back",
        category=CategoryFactory(name="Credit cards"),
        bank=BankFactory(name="Example Bank"),
        percent_user=Decimal("1.25"),
    )


# --- Landing page (GET) -------------------------------------------------------------------


def test_landing_gives_the_partner_and_the_product_in_the_documented_shape(
    api_client, partner, product
):
    response = api_client.get(link(partner.username, product.pk))

    assert response.status_code == 200
    assert response.json() == {
        "partner": {"username": partner.username},
        "product": {
            "id": product.pk,
            "name": "Cashback card",
            "description": "Up to 5% back",
            "category": {"name": "Credit cards"},
            "bank": {"name": "Example Bank"},
        },
    }


def test_each_landing_visit_counts_a_click_for_that_partner_and_product(
    api_client, partner, product
):
    api_client.get(link(partner.username, product.pk))
    api_client.get(link(partner.username, product.pk))

    clicks = ReferralClick.objects.values_list("partner_id", "product_id")
    assert list(clicks) == [(partner.pk, product.pk)] * 2


def test_landing_finds_the_partner_in_any_letter_case(api_client, product):
    partner = UserFactory(username="Anna.K")

    response = api_client.get(link("aNNA.k", product.pk))

    assert response.status_code == 200
    assert response.json()["partner"] == {"username": "Anna.K"}
    assert ReferralClick.objects.filter(partner=partner, product=product).count() == 1


# Each of these would find `anna_k` if the username went into a LIKE/ILIKE pattern unescaped
# (`_` is any one character, `%` any run) or into a regular expression (`.` is any character).
PATTERN_USERNAMES = ["ann__k", "_nna_k", "ANN__K", "anna%", "anna_%", "%", "a%k", "anna.k", ".*"]


@pytest.mark.parametrize("username", PATTERN_USERNAMES)
def test_a_username_is_matched_whole_not_as_a_pattern(api_client, product, username):
    UserFactory(username="anna_k")
    before = snapshot()

    response = api_client.get(link(quote(username), product.pk))

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert snapshot() == before


@pytest.mark.parametrize("username", PATTERN_USERNAMES)
def test_an_application_to_a_username_pattern_is_404_and_creates_nothing(
    api_client, product, username
):
    UserFactory(username="anna_k")
    before = snapshot()

    response = api_client.post(link(quote(username), product.pk), form(), format="json")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("username", ["anna\x00k", "anna k", "anna%k", "anna\u200bk"])
def test_a_username_no_partner_can_have_is_404_before_the_database(
    api_client, product, method, username
):
    """A NUL byte reached PostgreSQL as a 500 before usernames in links were checked."""
    UserFactory(username="anna_k")
    before = snapshot()

    response = getattr(api_client, method)(link(quote(username), product.pk), form(), format="json")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert snapshot() == before


def test_a_username_with_an_underscore_is_found_literally_in_any_letter_case(api_client, product):
    """Usernames are unique case-insensitively, so the link finds them that way (SPEC §2)."""
    partner = UserFactory(username="anna_k")

    response = api_client.get(link("ANNA_K", product.pk))

    assert response.status_code == 200
    assert response.json()["partner"] == {"username": "anna_k"}
    assert list(ReferralClick.objects.values_list("partner_id", flat=True)) == [partner.pk]


# --- Where a link leads nowhere (GET and POST) --------------------------------------------


def _dead_link(case: str) -> tuple[str, int]:
    """A (username, product id) pair that must not be reachable, built as `case` says."""
    if case == "unknown partner":
        return "nobody-here", ProductFactory().pk
    if case == "inactive partner":
        return UserFactory(is_active=False).username, ProductFactory().pk
    partner = UserFactory()
    if case == "unknown product":
        product = ProductFactory()
        unknown_id = product.pk + 1000
        return partner.username, unknown_id
    if case == "inactive product":
        return partner.username, ProductFactory(is_active=False).pk
    if case == "product of an inactive bank":
        return partner.username, ProductFactory(bank=BankFactory(is_active=False)).pk
    if case == "product of an inactive category":
        return partner.username, ProductFactory(category=CategoryFactory(is_active=False)).pk
    if case == "product of another bank than the partner's":
        partner.bank = BankFactory()
        partner.save(update_fields=["bank"])
        ProductFactory(bank=partner.bank)
        return partner.username, ProductFactory().pk
    raise AssertionError(case)


DEAD_LINKS = [
    "unknown partner",
    "inactive partner",
    "unknown product",
    "inactive product",
    "product of an inactive bank",
    "product of an inactive category",
    "product of another bank than the partner's",
]


@pytest.mark.parametrize("case", DEAD_LINKS)
def test_landing_of_a_link_that_leads_nowhere_is_404_and_counts_no_click(api_client, case):
    username, product_id = _dead_link(case)
    before = snapshot()

    response = api_client.get(link(username, product_id))

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert snapshot() == before


@pytest.mark.parametrize("case", DEAD_LINKS)
def test_application_through_a_link_that_leads_nowhere_is_404_and_creates_nothing(api_client, case):
    username, product_id = _dead_link(case)
    before = snapshot()

    response = api_client.post(link(username, product_id), form(), format="json")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert snapshot() == before


# --- HEAD and OPTIONS ---------------------------------------------------------------------


def test_a_head_request_answers_200_but_counts_no_click(api_client, partner, product):
    before = snapshot()

    response = api_client.head(link(partner.username, product.pk))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert snapshot() == before
    assert ReferralClick.objects.count() == 0


def test_a_get_after_a_head_counts_exactly_one_click(api_client, partner, product):
    api_client.head(link(partner.username, product.pk))
    api_client.options(link(partner.username, product.pk))

    response = api_client.get(link(partner.username, product.pk))

    assert response.status_code == 200
    clicks = ReferralClick.objects.values_list("partner_id", "product_id")
    assert list(clicks) == [(partner.pk, product.pk)]


@pytest.mark.parametrize("case", ["unknown partner", "inactive product"])
def test_a_head_request_of_a_dead_link_is_404_and_counts_nothing(api_client, case):
    username, product_id = _dead_link(case)
    before = snapshot()

    response = api_client.head(link(username, product_id))

    assert response.status_code == 404
    assert snapshot() == before


def test_an_options_request_describes_the_link_and_counts_no_click(api_client, partner, product):
    before = snapshot()

    response = api_client.options(link(partner.username, product.pk))

    assert response.status_code == 200
    assert {"GET", "HEAD", "POST", "OPTIONS"} <= {
        method.strip() for method in response["Allow"].split(",")
    }
    assert snapshot() == before


def test_a_partner_with_a_bank_may_link_that_banks_product(api_client):
    bank = BankFactory()
    partner = UserFactory(bank=bank)
    product = ProductFactory(bank=bank)

    assert api_client.get(link(partner.username, product.pk)).status_code == 200
    response = api_client.post(link(partner.username, product.pk), form(), format="json")

    assert response.status_code == 201
    assert Order.objects.get().product == product


# --- Application (POST) -------------------------------------------------------------------


def test_application_is_created_new_and_answered_in_the_seeds_shape(api_client, partner, product):
    response = api_client.post(
        link(partner.username, product.pk),
        {"income": "20", "email_client": "client@example.com", "phone": "+7 999 123-45-67"},
        format="json",
    )

    assert response.status_code == 201
    order = Order.objects.get()
    assert response.json() == {
        "id": order.pk,
        "income": "20.00",
        "email_client": "client@example.com",
        "phone": "+79991234567",
        "user_id": {"username": partner.username},
        "product_id": {"name": "Cashback card"},
        "status": "new",
    }
    assert (order.partner, order.product, order.status) == (partner, product, "new")
    assert (order.income, order.email_client, order.phone) == (
        Decimal("20.00"),
        "client@example.com",
        "+79991234567",
    )
    assert order.channel == "link"
    assert order.submitted_at is not None
    assert (order.reward, order.decided_at) == (None, None)


def test_application_finds_the_partner_in_any_letter_case(api_client, product):
    partner = UserFactory(username="Anna.K")

    response = api_client.post(link("ANNA.K", product.pk), form(), format="json")

    assert response.status_code == 201
    assert response.json()["user_id"] == {"username": "Anna.K"}
    assert Order.objects.get().partner == partner


def test_partner_and_product_come_from_the_link_never_from_the_body(api_client, partner, product):
    other_partner = UserFactory()
    other_product = ProductFactory()

    response = api_client.post(
        link(partner.username, product.pk),
        form(user_id=other_partner.pk, product_id=other_product.pk),
        format="json",
    )

    assert response.status_code == 201
    order = Order.objects.get()
    assert (order.partner, order.product) == (partner, product)
    assert response.json()["user_id"] == {"username": partner.username}
    assert response.json()["product_id"] == {"name": product.name}


def test_status_percent_and_reward_in_the_body_change_nothing(api_client, partner, product):
    response = api_client.post(
        link(partner.username, product.pk),
        form(status="approved", percent_user="99.00", reward="1000.00"),
        format="json",
    )

    assert response.status_code == 201
    order = Order.objects.get()
    assert (order.status, order.percent_user, order.reward) == ("new", Decimal("1.25"), None)


def test_the_application_history_starts_with_one_step_by_the_client(api_client, partner, product):
    api_client.post(link(partner.username, product.pk), form(), format="json")

    order = Order.objects.get()
    history = list(order.history.values_list("from_status", "to_status", "source", "reason"))
    assert history == [("", "new", "client", "")]
    assert order.history.get().created_at == order.submitted_at


def test_percent_is_the_products_at_submission_and_a_later_change_does_not_touch_it(
    api_client, partner, product
):
    api_client.post(link(partner.username, product.pk), form(), format="json")
    product.percent_user = Decimal("7.50")
    product.save(update_fields=["percent_user"])

    order = Order.objects.get()
    assert order.percent_user == Decimal("1.25")

    later = api_client.post(
        link(partner.username, product.pk),
        form(email_client="second@example.com", phone="+79990000002"),
        format="json",
    )
    assert later.status_code == 201
    assert Order.objects.get(pk=later.json()["id"]).percent_user == Decimal("7.50")
    order.refresh_from_db()
    assert order.percent_user == Decimal("1.25")


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("8 (999) 123-45-67", "+79991234567"),
        ("89991234567", "+79991234567"),
        ("9991234567", "+79991234567"),
        ("+7 999 123 45 67", "+79991234567"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_in_national_or_international_form_is_stored_in_e164(
    api_client, partner, product, phone, stored
):
    response = api_client.post(link(partner.username, product.pk), form(phone=phone), format="json")

    assert response.status_code == 201
    assert response.json()["phone"] == stored
    assert Order.objects.get().phone == stored


@pytest.mark.parametrize("income", ["0.01", "9999999999.99", 20, 20.5])
def test_income_at_the_limits_is_accepted(api_client, partner, product, income):
    response = api_client.post(
        link(partner.username, product.pk), form(income=income), format="json"
    )

    assert response.status_code == 201
    assert Order.objects.get().income == Decimal(str(income))


@pytest.mark.parametrize(
    "income",
    [
        "0",
        "0.00",
        "-1.00",
        "-0.01",
        "20.005",
        "abc",
        "",
        "NaN",
        "Infinity",
        "10000000000.00",
        None,
        # Python's Decimal reads these; a form does not.
        "1_000",
        "1e5",
        "\u0661\u0660\u0660",  # 100 in Arabic-Indic digits
        "0x10",
        "1,000.00",
    ],
)
def test_income_must_be_a_positive_amount_of_at_most_12_digits_and_2_places(
    api_client, partner, product, income
):
    before = snapshot()

    response = api_client.post(
        link(partner.username, product.pk), form(income=income), format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["income"]
    assert isinstance(body["income"], list)
    assert body["income"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "email", ["not-an-email", "client@", "@example.com", "client example@example.com", ""]
)
def test_invalid_email_is_400_on_email_client(api_client, partner, product, email):
    before = snapshot()

    response = api_client.post(
        link(partner.username, product.pk), form(email_client=email), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["email_client"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "phone",
    [
        "12345",
        "not a phone",
        "+7 999",
        "+79991234567890123",
        "",
        "8-999-123-45-67 ext 5",  # E.164 has no extension: dropping it would keep another number
    ],
)
def test_invalid_phone_is_400_on_phone(api_client, partner, product, phone):
    before = snapshot()

    response = api_client.post(link(partner.username, product.pk), form(phone=phone), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["phone"]
    assert snapshot() == before


def test_a_number_that_is_no_phone_is_refused_with_a_clear_message(api_client, partner, product):
    before = snapshot()

    response = api_client.post(
        link(partner.username, product.pk), form(phone="+7 000 000 00 00"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"phone": ["Enter a valid phone number."]}
    assert snapshot() == before


@pytest.mark.parametrize("missing", ["income", "email_client", "phone"])
def test_each_missing_field_is_400_naming_it(api_client, partner, product, missing):
    body = form()
    del body[missing]
    before = snapshot()

    response = api_client.post(link(partner.username, product.pk), body, format="json")

    assert response.status_code == 400
    assert response.json() == {missing: REQUIRED}
    assert snapshot() == before


def test_empty_body_names_every_field(api_client, partner, product):
    before = snapshot()

    response = api_client.post(link(partner.username, product.pk), {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"income": REQUIRED, "email_client": REQUIRED, "phone": REQUIRED}
    assert snapshot() == before


def test_malformed_json_is_400_with_a_detail(api_client, partner, product):
    before = snapshot()

    response = api_client.generic(
        "POST",
        link(partner.username, product.pk),
        '{"income": "20.00", "email_client": ',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("JSON parse error")
    assert snapshot() == before


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "application/x-yaml"]
)
def test_a_body_that_is_not_json_is_415(api_client, partner, product, content_type):
    before = snapshot()

    response = api_client.generic(
        "POST",
        link(partner.username, product.pk),
        "income=20.00&email_client=client%40example.com&phone=%2B79991234567",
        content_type=content_type,
    )

    assert response.status_code == 415
    assert response.json() == {"detail": f'Unsupported media type "{content_type}" in request.'}
    assert snapshot() == before


def test_multipart_form_is_415(api_client, partner, product):
    before = snapshot()

    response = api_client.post(link(partner.username, product.pk), form(), format="multipart")

    assert response.status_code == 415
    assert response.json()["detail"].startswith('Unsupported media type "multipart/form-data')
    assert snapshot() == before


# --- The 24-hour duplicate rule ------------------------------------------------------------


@pytest.fixture
def first(api_client, partner, product):
    """An application sent a moment ago through the link."""
    response = api_client.post(
        link(partner.username, product.pk),
        form(email_client="Client@Example.com", phone="+79991234567"),
        format="json",
    )
    assert response.status_code == 201
    return Order.objects.get(pk=response.json()["id"])


@pytest.mark.parametrize(
    ("email", "phone"),
    [
        ("other@example.com", "+79991234567"),
        ("other@example.com", "8 999 123-45-67"),
        ("client@example.com", "+79990000001"),
        ("CLIENT@EXAMPLE.COM", "+79990000001"),
    ],
    ids=["same phone", "same phone in national form", "same e-mail", "same e-mail other case"],
)
def test_same_phone_or_email_for_the_same_product_within_24_hours_is_409(
    api_client, partner, product, first, email, phone
):
    before = snapshot()

    response = api_client.post(
        link(partner.username, product.pk), form(email_client=email, phone=phone), format="json"
    )

    assert response.status_code == 409
    assert response.json() == DUPLICATE
    assert snapshot() == before


def test_the_duplicate_rule_holds_through_another_partners_link(api_client, product, first):
    other = UserFactory()
    before = snapshot()

    response = api_client.post(
        link(other.username, product.pk),
        form(email_client="other@example.com", phone="+79991234567"),
        format="json",
    )

    assert response.status_code == 409
    assert response.json() == DUPLICATE
    assert snapshot() == before


def test_same_phone_and_email_for_another_product_are_accepted(api_client, partner, first):
    other_product = ProductFactory()

    response = api_client.post(
        link(partner.username, other_product.pk),
        form(email_client="Client@Example.com", phone="+79991234567"),
        format="json",
    )

    assert response.status_code == 201
    assert Order.objects.filter(phone="+79991234567").count() == 2


def test_an_application_older_than_24_hours_does_not_block(api_client, partner, product, first):
    Order.objects.filter(pk=first.pk).update(
        submitted_at=timezone.now() - timedelta(hours=24, minutes=1)
    )

    response = api_client.post(
        link(partner.username, product.pk),
        form(email_client="client@example.com", phone="+79991234567"),
        format="json",
    )

    assert response.status_code == 201
    assert Order.objects.filter(product=product).count() == 2


def test_an_application_just_under_24_hours_old_still_blocks(api_client, partner, product, first):
    Order.objects.filter(pk=first.pk).update(
        submitted_at=timezone.now() - timedelta(hours=23, minutes=59)
    )
    before = snapshot()

    response = api_client.post(
        link(partner.username, product.pk), form(email_client="x@example.com"), format="json"
    )

    assert response.status_code == 409
    assert response.json() == DUPLICATE
    assert snapshot() == before


def test_the_submission_time_counts_not_the_creation_time(api_client, partner, product):
    """A draft created days ago and submitted an hour ago is a recent application."""
    OrderFactory(
        product=product,
        phone="+79991234567",
        created_at=timezone.now() - timedelta(days=3),
        submitted_at=timezone.now() - timedelta(hours=1),
    )
    before = snapshot()

    response = api_client.post(link(partner.username, product.pk), form(), format="json")

    assert response.status_code == 409
    assert response.json() == DUPLICATE
    assert snapshot() == before


def test_a_draft_with_the_same_phone_and_email_does_not_block(api_client, partner, product):
    DraftFactory(product=product, phone="+79991234567", email_client="client@example.com")

    response = api_client.post(link(partner.username, product.pk), form(), format="json")

    assert response.status_code == 201
    assert Order.objects.exclude(status="draft").count() == 1


@pytest.mark.parametrize("status", ["viewed", "approved", "rejected"])
def test_a_decided_or_viewed_application_blocks_as_well(api_client, partner, product, status):
    OrderFactory(product=product, status=status, phone="+79991234567")
    before = snapshot()

    response = api_client.post(link(partner.username, product.pk), form(), format="json")

    assert response.status_code == 409
    assert snapshot() == before


# --- Throttle -----------------------------------------------------------------------------


@pytest.fixture
def two_a_minute(settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "public_order": "2/min"}


def _apply(api_client, partner, product, n: int, **extra):
    return api_client.post(
        link(partner.username, product.pk),
        form(email_client=f"client{n}@example.com", phone=f"+7999000000{n}"),
        format="json",
        **extra,
    )


@pytest.mark.usefixtures("two_a_minute")
def test_third_application_in_a_minute_from_one_address_is_429_with_retry_after(
    api_client, partner, product
):
    assert _apply(api_client, partner, product, 1).status_code == 201
    assert _apply(api_client, partner, product, 2).status_code == 201
    before = snapshot()

    response = _apply(api_client, partner, product, 3)

    assert response.status_code == 429
    assert response.json()["detail"].startswith("Request was throttled.")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert snapshot() == before


@pytest.mark.usefixtures("two_a_minute")
def test_a_forged_forwarded_for_does_not_escape_the_throttle(api_client, partner, product):
    _apply(api_client, partner, product, 1, HTTP_X_FORWARDED_FOR="198.51.100.1")
    _apply(api_client, partner, product, 2, HTTP_X_FORWARDED_FOR="198.51.100.2")
    before = snapshot()

    response = _apply(api_client, partner, product, 3, HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert response.status_code == 429
    assert "Retry-After" in response
    assert snapshot() == before
    assert Order.objects.count() == 2


@pytest.mark.usefixtures("two_a_minute")
def test_refused_applications_count_against_the_throttle_too(api_client, partner, product):
    """Otherwise a script could probe forever with invalid bodies."""
    before = snapshot()
    assert api_client.post(link(partner.username, product.pk), {}, format="json").status_code == 400
    assert api_client.post(link("nobody", product.pk), form(), format="json").status_code == 404

    response = _apply(api_client, partner, product, 1)

    assert response.status_code == 429
    assert response.json()["detail"].startswith("Request was throttled.")
    assert snapshot() == before


@pytest.mark.usefixtures("two_a_minute")
def test_the_application_throttle_does_not_limit_the_landing_page(api_client, partner, product):
    _apply(api_client, partner, product, 1)
    _apply(api_client, partner, product, 2)

    assert api_client.get(link(partner.username, product.pk)).status_code == 200


@pytest.fixture
def one_application_a_minute(settings):
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "public_order": "1/min",
        "landing": "1000/min",
    }


@pytest.fixture
def two_visits_a_minute(settings):
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "public_order": "1000/min",
        "landing": "2/min",
    }


@pytest.mark.usefixtures("one_application_a_minute")
@pytest.mark.parametrize("method", ["head", "options"])
def test_head_and_options_do_not_use_up_the_application_quota(api_client, partner, product, method):
    send = getattr(api_client, method)
    assert send(link(partner.username, product.pk)).status_code == 200
    assert send(link(partner.username, product.pk)).status_code == 200

    response = _apply(api_client, partner, product, 1)

    assert response.status_code == 201
    assert Order.objects.count() == 1


@pytest.mark.usefixtures("two_visits_a_minute")
@pytest.mark.parametrize("method", ["head", "options"])
def test_head_and_options_count_as_landing_traffic(api_client, partner, product, method):
    send = getattr(api_client, method)
    assert send(link(partner.username, product.pk)).status_code == 200
    assert send(link(partner.username, product.pk)).status_code == 200
    before = snapshot()

    response = api_client.get(link(partner.username, product.pk))

    assert response.status_code == 429
    assert response.json()["detail"].startswith("Request was throttled.")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert send(link(partner.username, product.pk)).status_code == 429
    assert snapshot() == before
    # The application has a quota of its own that the landing traffic did not touch.
    assert _apply(api_client, partner, product, 1).status_code == 201


# --- Query budget -------------------------------------------------------------------------


@pytest.mark.parametrize("earlier", [0, 50], ids=["first application", "after 50"])
def test_application_runs_a_fixed_number_of_queries(
    api_client, partner, product, settings, django_assert_max_num_queries, earlier
):
    """The duplicate check and the rest cost the same however many applications came before."""
    # Submitted just now, so each is inside the 24-hour window the duplicate check looks at.
    OrderFactory.create_batch(earlier, partner=partner, product=product)
    OrderFactory.create_batch(5, partner=partner)
    OrderFactory.create_batch(5, product=ProductFactory(bank=product.bank))
    assert Order.objects.filter(partner=partner, product=product).count() == earlier
    budget = SUBMIT_QUERIES + (0 if settings.REDIS_URL else THROTTLE_DB_QUERIES)

    with django_assert_max_num_queries(budget):
        response = api_client.post(link(partner.username, product.pk), form(), format="json")

    assert response.status_code == 201
    assert Order.objects.filter(partner=partner, product=product).count() == earlier + 1
