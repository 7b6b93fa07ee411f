import pytest

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
