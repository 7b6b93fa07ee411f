"""The admin's "Partners" section lists partners only, with their own fields first."""

import pytest

from referrals.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_the_partners_section_leaves_staff_out(admin_client, admin_user):
    partner = PartnerFactory(username="anna")

    listing = admin_client.get("/admin/partners/partner/")

    assert listing.status_code == 200
    listed = {user.pk for user in listing.context["cl"].result_list}
    assert listed == {partner.pk}
    assert admin_user.pk not in listed
    index = admin_client.get("/admin/").content.decode()
    assert "/admin/partners/partner/" in index


def test_a_partners_page_starts_with_its_own_fields(admin_client):
    partner = PartnerFactory(phone="+79991234567")

    page = admin_client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()

    own = [page.index(f'name="{field}"') for field in ("first_name", "email", "phone", "bank")]
    assert max(own) < page.index('name="is_staff"')
    assert 'name="payout_details"' in page


def test_the_admin_speaks_russian_when_asked(admin_client):
    index = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    for label in ("Партнёры", "Заявки", "Комиссии и выплаты", "Каталог", "Рефералы"):
        assert label in index
