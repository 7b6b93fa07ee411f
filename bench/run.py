"""Benchmark of the hot endpoints, through Django's whole request stack, in one process.

It creates a throwaway test database (SQLite, or PostgreSQL when DB_ENGINE=postgresql, as the
app itself), fills it, times each endpoint many times and drops the database again. It
measures the app (middleware, auth, DRF, ORM, database), not an HTTP server. Run it with
`make bench`, or e.g. `DB_ENGINE=postgresql DB_NAME=referral make bench`.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)


def measure(label: str, call, *, runs: int = 300, expect: int = 200, after=None) -> None:
    """Time `call` `runs` times; `after` (untimed) puts things back between two calls."""
    call()  # warm-up
    if after:
        after()
    timings, queries = [], []
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        response = call()
        timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(connection.queries))
        status = getattr(response, "status_code", expect)
        if status != expect:
            raise SystemExit(f"{label}: expected {expect}, got {status}")
        if after:
            after()
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{label:<58} {runs:>5} {statistics.median(timings):>9.2f} {p95:>9.2f} "
        f"{1000 / statistics.mean(timings):>8.0f} {max(queries):>8}"
    )


from rest_framework.test import APIClient  # noqa: E402


def main() -> None:
    setup_test_environment()
    settings.DEBUG = True  # so connection.queries counts queries
    settings.THROTTLE_RATES = {scope: None for scope in settings.THROTTLE_RATES}
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        if sys.argv[1:] == ["payouts"]:
            bench_payouts()
        else:
            run()
    finally:
        teardown_databases(old_config, verbosity=0)


def run() -> None:

    from accounts.tests.factories import PASSWORD, UserFactory
    from accounts.tokens import issue_token_pair
    from catalog.tests.factories import BankFactory, CategoryFactory, ProductFactory

    banks = BankFactory.create_batch(5)
    categories = CategoryFactory.create_batch(5)
    for index in range(1000):
        ProductFactory(bank=banks[index % 5], category=categories[index % 5])
    partner = UserFactory(username="bench", password=PASSWORD)
    partner.set_password(PASSWORD)  # the production hasher, not the tests' fast one
    partner.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token_pair(partner)['access']}")
    anonymous = APIClient()

    print(f"database: {connection.vendor}; 1,000 products in 5 banks")
    print(f"{'what':<58} {'runs':>5} {'median ms':>9} {'p95 ms':>9} {'per s':>8} {'queries':>8}")
    measure("GET /api/product/ (page of 50)", lambda: client.get("/api/product/"), runs=300)
    measure(
        "GET /api/product/?page_size=200",
        lambda: client.get("/api/product/?page_size=200"),
        runs=100,
    )
    measure(
        "GET /api/product/?search=Product 1&ordering=-percent_user",
        lambda: client.get("/api/product/?search=Product%201&ordering=-percent_user"),
        runs=200,
    )
    product_id = ProductFactory(bank=banks[0], category=categories[0]).pk
    measure("GET /api/product/{id}/", lambda: client.get(f"/api/product/{product_id}/"), runs=300)
    measure("GET /api/banks/ (anonymous)", lambda: anonymous.get("/api/banks/"), runs=300)
    measure(
        "POST /api/token/ (PBKDF2, Django's default hasher)",
        lambda: anonymous.post("/api/token/", {"username": "bench", "password": PASSWORD}),
        runs=20,
    )

    def refresh_fresh_token():
        refresh = issue_token_pair(partner)["refresh"]
        return anonymous.post("/api/token/refresh/", {"refresh": refresh})

    measure("POST /api/token/refresh/ (incl. issuing the old pair)", refresh_fresh_token, runs=200)
    measure("GET /health/", lambda: anonymous.get("/health/"), runs=300)
    bench_orders(client, anonymous, partner, banks[0], product_id)
    bench_import()
    bench_payouts()


def bench_orders(client, anonymous, partner, bank, product_id) -> None:
    """The application endpoints, with 2,000 applications and 5,000 clicks of the partner."""
    from itertools import count

    from rest_framework.test import APIClient

    from catalog.services import bank_issue_token
    from orders.models import Order
    from orders.tests.factories import OrderFactory, ReferralClickFactory

    products = list(bank.products.all()[:20])
    statuses = ["new", "viewed", "approved", "rejected"]
    for index in range(2000):
        OrderFactory(partner=partner, product=products[index % 20], status=statuses[index % 4])
    for index in range(5000):
        ReferralClickFactory(partner=partner, product=products[index % 20])
    token = bank_issue_token(bank=bank)
    bank_client = APIClient()
    bank_client.credentials(HTTP_AUTHORIZATION=f"Bank {token}")
    print("2,000 applications and 5,000 clicks of the partner, in one bank")
    measure("GET /api/orders/ (page of 50)", lambda: client.get("/api/orders/"), runs=200)
    order_id = Order.objects.filter(partner=partner).first().pk
    measure(
        "GET /api/orders/{id}/ (with history)",
        lambda: client.get(f"/api/orders/{order_id}/"),
        runs=200,
    )
    measure("GET /api/profile/ (500 approved)", lambda: client.get("/api/profile/"), runs=200)
    measure("GET /api/stats/ (20 products)", lambda: client.get("/api/stats/"), runs=200)
    measure(
        "GET /api/bank/orders/ (page of 50)", lambda: bank_client.get("/api/bank/orders/"), runs=200
    )
    link = f"/api/order/ref/{partner.username}/{product_id}/"
    measure("GET /api/order/ref/{username}/{id}/ (counts a click)", lambda: anonymous.get(link))
    numbers = count(1)

    def apply():
        n = next(numbers)
        body = {"income": "50000", "email_client": f"c{n}@example.com", "phone": f"+7998{n:07d}"}
        return anonymous.post(link, body)

    measure("POST /api/order/ref/{username}/{id}/ (apply)", apply, runs=300, expect=201)
    new_orders = iter(Order.objects.filter(status="new").values_list("pk", flat=True))
    measure(
        "PUT /api/order/{id}/{token}/ (approve)",
        lambda: anonymous.put(f"/api/order/{next(new_orders)}/{token}/", {"approval": True}),
        runs=300,
    )


def bench_payouts() -> None:
    """The ledger with 100,000 commissions of one partner (40 % available, 30 % pending, 20 %
    paid, 10 % reversed): the balance, and a payout request of the 40,000 available ones
    (cancelled, untimed, between two requests). `bench/run.py payouts` runs only this."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.tests.factories import UserFactory
    from accounts.tokens import issue_token_pair
    from catalog.tests.factories import ProductFactory
    from orders.models import Order
    from payouts.models import Commission, Payout
    from payouts.services import payout_cancel

    total = 100_000
    partner = UserFactory(username="bench-payouts", payout_details="account 40817810099910004312")
    product = ProductFactory()
    now = timezone.now()
    orders = Order.objects.bulk_create(
        Order(
            partner=partner,
            product=product,
            bank_id=product.bank_id,
            status="approved",
            income=Decimal("10000.00"),
            email_client=f"c{n}@example.com",
            phone=f"+7997{n:07d}",
            percent_user=Decimal("1.50"),
            reward=Decimal("150.00"),
            submitted_at=now,
            decided_at=now,
        )
        for n in range(total)
    )
    paid = Payout.objects.create(
        partner=partner, amount=Decimal("0"), status="paid", payout_details="x", decided_at=now
    )

    def entry(n: int, order) -> Commission:
        slot = n % 10
        status = "paid" if slot < 2 else "reversed" if slot == 2 else "pending"
        available_at = now + timedelta(days=7) if 3 <= slot < 6 else now - timedelta(days=1)
        return Commission(
            order=order,
            partner=partner,
            kind="sale",
            amount=Decimal("150.00"),
            status=status,
            available_at=available_at,
            created_at=now - timedelta(seconds=n),
            payout=paid if status == "paid" else None,
        )

    Commission.objects.bulk_create(
        (entry(n, order) for n, order in enumerate(orders)), batch_size=5000
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after such a load
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token_pair(partner)['access']}")
    print(f"{total:,} commissions of one partner ({connection.vendor})")

    def cancel() -> None:
        payout = Payout.objects.get(partner=partner, status="requested")
        payout_cancel(partner=partner, payout_id=payout.pk)

    measure("GET /api/balance/", lambda: client.get("/api/balance/"), runs=100)
    measure("GET /api/commissions/ (page of 50)", lambda: client.get("/api/commissions/"), runs=100)
    measure("GET /api/payouts/", lambda: client.get("/api/payouts/"), runs=100)
    measure(
        "POST /api/payouts/ (takes 40,000 commissions)",
        lambda: client.post("/api/payouts/"),
        runs=20,
        expect=201,
        after=cancel,
    )


def bench_import() -> None:
    """The largest catalogue a bank may send: 5,000 products, imported then re-imported."""
    try:
        from catalog.importing import catalog_import
    except ImportError:
        return
    lines = ["bank: Bench Import Bank", "categories:", "  - {id: c, name: Bench cards}"]
    lines.append("products:")
    lines += [
        f"  - {{id: p{n}, name: Product {n}, category: c, percent_user: 1.5, percent_bank: 3}}"
        for n in range(5000)
    ]
    source = "\n".join(lines).encode()
    for label in ("import_catalog: 5,000 new products", "import_catalog: same file again"):
        reset_queries()
        started = time.perf_counter()
        catalog_import(source=source, create_bank=True)
        elapsed = (time.perf_counter() - started) * 1000
        print(f"{label:<58} {1:>5} {elapsed:>9.0f} {'':>9} {'':>8} {len(connection.queries):>8}")


if __name__ == "__main__":
    main()
