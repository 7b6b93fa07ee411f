import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.tests.factories import BankFactory

pytestmark = pytest.mark.django_db


def test_partner_changelist_search_and_forms(admin_client):
    partner = UserFactory(username="anna", phone="+79991234567", bank=BankFactory())
    UserFactory(username="boris")

    listing = admin_client.get("/admin/accounts/user/?q=%2B7999123").content.decode()

    assert "anna" in listing and "boris" not in listing
    assert admin_client.get(f"/admin/accounts/user/{partner.pk}/change/").status_code == 200
    assert admin_client.get("/admin/accounts/user/add/").status_code == 200


@pytest.mark.parametrize("partners", [3, 30])
def test_partner_changelist_query_count_does_not_grow(
    admin_client, django_assert_max_num_queries, partners
):
    bank = BankFactory()
    UserFactory.create_batch(partners, bank=bank)

    with django_assert_max_num_queries(10):
        assert admin_client.get("/admin/accounts/user/").status_code == 200


def test_phone_codes_are_read_only(admin_client):
    assert admin_client.get("/admin/accounts/phonecode/").status_code == 200
    assert admin_client.get("/admin/accounts/phonecode/add/").status_code == 403


def change_form_data(partner, **overrides) -> dict:
    """What the partner's change page posts when nothing but `overrides` is edited."""
    return {
        "username": partner.username,
        "email": partner.email,
        "first_name": partner.first_name,
        "last_name": partner.last_name,
        "phone": partner.phone or "",
        "bank": partner.bank_id or "",
        "is_active": "on",
        "date_joined_0": partner.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": partner.date_joined.strftime("%H:%M:%S"),
        **overrides,
    }


def test_a_phone_typed_in_the_admin_is_stored_in_e164(admin_client):
    partner = UserFactory(phone=None)

    response = admin_client.post(
        f"/admin/accounts/user/{partner.pk}/change/",
        change_form_data(partner, phone="8 (999) 123-45-67"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    partner.refresh_from_db()
    assert partner.phone == "+79991234567"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "valid phone"),
        ("phone", "+7 999 123 45 67", "Phone already exists"),
        ("email", "TAKEN@example.com", "e-mail already exists"),
        ("username", "TAKEN", "username already exists"),
    ],
)
def test_the_admin_refuses_a_bad_or_taken_phone_or_email_on_its_field(
    admin_client, field, value, message
):
    UserFactory(username="taken", phone="+79991234567", email="taken@example.com")
    partner = UserFactory(username="mine", phone=None, email="mine@example.com")

    response = admin_client.post(
        f"/admin/accounts/user/{partner.pk}/change/", change_form_data(partner, **{field: value})
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in str(errors[field])
    partner.refresh_from_db()
    assert (partner.username, partner.phone, partner.email) == ("mine", None, "mine@example.com")


def test_a_partner_added_in_the_admin_gets_an_e164_phone(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "vera",
            "password1": "Plum-Orbit-Lantern-42",
            "password2": "Plum-Orbit-Lantern-42",
            "usable_password": "true",
            "email": "vera@example.com",
            "phone": "+7 999 765-43-21",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="vera").phone == "+79997654321"
