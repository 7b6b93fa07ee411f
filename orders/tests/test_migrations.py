"""Applications made before they kept their bank get their product's bank on migration."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.tests.factories import UserFactory
from catalog.tests.factories import BankFactory, ProductFactory
from orders.models import Order

BEFORE = "0003_application_labels"


@pytest.mark.django_db(transaction=True)
def test_existing_applications_get_their_products_bank():
    alpha, beta = BankFactory(name="Alpha"), BankFactory(name="Beta")
    products = [ProductFactory(bank=alpha), ProductFactory(bank=beta)]
    partner = UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate([("orders", BEFORE)])  # before the column existed
    old_state = executor.loader.project_state([("orders", BEFORE)]).apps
    OldOrder = old_state.get_model("orders", "Order")
    made = [
        OldOrder.objects.create(
            partner_id=partner.pk,
            product_id=product.pk,
            status="new",
            channel="link",
            income=100,
            email_client=f"c{index}@example.com",
            phone=f"+7999000000{index}",
            percent_user=1,
            submitted_at="2026-01-01T00:00:00Z",
        ).pk
        for index, product in enumerate(products)
    ]

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # every app, as `migrate` does

    banks = dict(Order.objects.filter(pk__in=made).values_list("pk", "bank_id"))
    assert banks == {made[0]: alpha.pk, made[1]: beta.pk}


@pytest.mark.django_db(transaction=True)
def test_the_statistics_days_are_filled_from_the_rows_already_there():
    from orders.models import PartnerProductDay, ReferralClick
    from orders.tests.factories import OrderFactory, ReferralClickFactory

    product, partner = ProductFactory(), UserFactory()
    OrderFactory(partner=partner, product=product, status="approved")
    OrderFactory(partner=partner, product=product, status="rejected", channel="partner")
    ReferralClickFactory.create_batch(3, partner=partner, product=product)
    executor = MigrationExecutor(connection)
    executor.migrate([("orders", "0004_bank_and_list_indexes")])  # no table, no triggers

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    day = PartnerProductDay.objects.get(partner=partner, product=product)
    assert (day.clicks, day.orders, day.link_orders, day.approved, day.rejected) == (
        3,
        2,
        1,
        1,
        0 + 1,
    )
    assert day.reward == Order.objects.get(status="approved").reward
    assert ReferralClick.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_statistics_totals_are_filled_from_the_rows_already_there():
    from orders.models import PartnerProductTotal
    from orders.tests.factories import OrderFactory, ReferralClickFactory

    product, partner = ProductFactory(), UserFactory()
    approved = OrderFactory(partner=partner, product=product, status="approved")
    OrderFactory(partner=partner, product=product, status="rejected", channel="partner")
    ReferralClickFactory.create_batch(3, partner=partner, product=product)
    executor = MigrationExecutor(connection)
    executor.migrate([("orders", "0005_partner_product_day")])  # no totals, no triggers

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    total = PartnerProductTotal.objects.get(partner=partner, product=product)
    assert (total.clicks, total.orders, total.link_orders, total.approved, total.rejected) == (
        3,
        2,
        1,
        1,
        1,
    )
    assert (total.reward, total.income) == (approved.reward, approved.income)


@pytest.mark.django_db(transaction=True)
def test_the_banks_totals_are_filled_from_the_rows_already_there():
    from orders.models import BankProductTotal
    from orders.tests.factories import DraftFactory, OrderFactory

    product = ProductFactory()
    OrderFactory.create_batch(2, product=product, status="approved")
    OrderFactory(product=product, status="new")
    DraftFactory(product=product)
    executor = MigrationExecutor(connection)
    executor.migrate([("orders", "0007_partner_drafts_index")])  # no bank totals, no triggers

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    total = BankProductTotal.objects.get(bank=product.bank, product=product)
    assert total.orders == 3
    OrderFactory(product=product)  # and the trigger counts from there on
    total.refresh_from_db()
    assert total.orders == 4
