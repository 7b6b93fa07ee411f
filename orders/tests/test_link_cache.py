"""A referral link's partner and product come from the shared cache after the first visit,
and a change of either shows at the very next visit (accounts.selectors, catalog.selectors)."""

from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from orders.models import Order, ReferralClick
from orders.tests.helpers import form, link

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(redis_cache):
    return UserFactory(username="anna", phone=None)


@pytest.fixture
def product():
    return ProductFactory()


def visit(username: str, product_id: int) -> int:
    return APIClient().get(link(username, product_id)).status_code


def warm(product) -> None:
    """The first visit finds the name's partner; the second reads it by id (as authentication
    does), which keeps it too."""
    for _ in range(2):
        assert visit("anna", product.pk) == 200


def test_a_visit_once_warm_only_counts_the_click(partner, product, django_assert_num_queries):
    warm(product)

    with django_assert_num_queries(1):  # the click's INSERT
        assert visit("anna", product.pk) == 200

    assert ReferralClick.objects.filter(partner=partner, product=product).count() == 3


@pytest.mark.parametrize("change", ["deactivate", "rename", "delete"])
def test_a_changed_partner_is_seen_at_the_next_visit(partner, product, change):
    warm(product)
    if change == "deactivate":
        partner.is_active = False
        partner.save()
    elif change == "rename":
        partner.username = "anna2"
        partner.save()
    else:
        partner.delete()

    assert visit("anna", product.pk) == 404
    if change == "rename":
        assert visit("anna2", product.pk) == 200


def test_a_name_given_up_leads_to_its_new_holder(partner, product):
    assert visit("anna", product.pk) == 200
    partner.username = "anna-old"
    partner.save()
    newcomer = UserFactory(username="Anna", email="newcomer@example.com", phone=None)

    assert visit("anna", product.pk) == 200
    assert ReferralClick.objects.filter(partner=newcomer).count() == 1


@pytest.mark.parametrize("change", ["product", "bank", "category"])
def test_a_withdrawn_product_is_gone_at_the_next_visit(partner, product, change):
    assert visit("anna", product.pk) == 200
    target = {"product": product, "bank": product.bank, "category": product.category}[change]
    target.is_active = False
    target.save()

    assert visit("anna", product.pk) == 404


def test_a_partner_moved_to_another_bank_sees_only_its_products(partner, product):
    assert visit("anna", product.pk) == 200
    other = ProductFactory()
    partner.bank = other.bank
    partner.save()

    assert visit("anna", product.pk) == 404
    assert visit("anna", other.pk) == 200


def test_unknown_names_and_products_are_not_kept(partner, product, django_assert_num_queries):
    """Made-up names and ids fill no cache: each asks the database again."""
    for _ in range(2):
        with django_assert_num_queries(1):
            assert visit("nobody", product.pk) == 404
    warm(product)
    for _ in range(2):
        with django_assert_num_queries(1):
            assert visit("anna", 10**9) == 404


def test_applying_after_a_visit_uses_the_cached_partner(partner, product):
    assert visit("anna", product.pk) == 200

    response = APIClient().post(link("anna", product.pk), form())

    assert response.status_code == 201, response.content


def test_a_warm_application_locks_the_products_own_row_only(
    partner, product, django_assert_num_queries
):
    """Partner and product from the cache: the savepoint, the lock, the duplicate check, the
    application, its history row and its events."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks to read")
    warm(product)

    with django_assert_num_queries(7) as captured:
        response = APIClient().post(link("anna", product.pk), form())

    assert response.status_code == 201, response.content
    [lock] = [
        query["sql"] for query in captured.captured_queries if "FOR NO KEY UPDATE" in query["sql"]
    ]
    assert "JOIN" not in lock


def behind_the_caches_back(sql: str, product) -> None:
    """A write the catalogue's cache does not hear of (the ORM's writes all renew it)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [product.pk])


def test_a_product_withdrawn_behind_the_caches_back_is_refused_under_the_lock(partner, product):
    """The lock reads the product's own row: a product the cache still has, but that is no
    longer active (an UPDATE that renewed no cache), takes no application."""
    warm(product)
    behind_the_caches_back("UPDATE catalog_product SET is_active = false WHERE id = %s", product)

    response = APIClient().post(link("anna", product.pk), form())

    assert response.status_code == 404
    assert not Order.objects.exists()


def test_the_percent_is_the_locked_rows_not_the_caches(partner, product):
    warm(product)
    behind_the_caches_back("UPDATE catalog_product SET percent_user = 7.25 WHERE id = %s", product)

    response = APIClient().post(link("anna", product.pk), form())

    assert response.status_code == 201, response.content
    assert Order.objects.get().percent_user == Decimal("7.25")
