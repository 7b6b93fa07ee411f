import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from catalog.models import Bank, Category, Product
from catalog.selectors import bank_by_token
from orders.models import Order, OrderStatus
from payouts.models import CommissionKind, CommissionStatus
from referrals.selectors import referrer_chain
from tests.clients import bearer_client

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    User = get_user_model()
    return (
        Bank.objects.count(),
        Category.objects.count(),
        Product.objects.count(),
        User.objects.count(),
        Order.objects.count(),
    )


def test_seed_demo_is_idempotent_and_prints_working_credentials(settings):
    settings.DEBUG = True
    first = seed()
    after_first = counts()
    second = seed()

    assert counts() == after_first
    assert after_first[2] == 3
    password = re.search(r"username: demo\s+password: (\S+)", second).group(1)
    partner = authenticate(username="demo", password=password)
    assert partner is not None and partner.bank.name == "Demo Bank"
    admin_password = re.search(r"username: admin\s+password: (\S+)", second).group(1)
    assert authenticate(username="admin", password=admin_password).is_superuser
    old_token = re.search(r"shown once\): (\S+)", first).group(1)
    new_token = re.search(r"shown once\): (\S+)", second).group(1)
    assert bank_by_token(new_token).name == "Demo Bank"
    assert bank_by_token(old_token) is None


def test_seed_demo_gives_the_demo_partner_applications_in_every_state(settings):
    settings.DEBUG = True
    seed()
    seed()

    statuses = set(Order.objects.filter(partner__username="demo").values_list("status", flat=True))
    assert statuses == set(OrderStatus.values)
    approved = Order.objects.filter(status=OrderStatus.APPROVED).first()
    assert approved.reward == approved.income * approved.percent_user / 100


def test_seed_demo_gives_the_demo_partner_commissions_in_every_state(settings):
    settings.DEBUG = True
    seed()
    seed()
    demo = get_user_model().objects.get(username="demo")

    listed = bearer_client(demo).get("/api/commissions/?page_size=200").json()["results"]
    assert {item["status"] for item in listed} == set(CommissionStatus.values)
    assert {item["kind"] for item in listed} == set(CommissionKind.values)
    payouts = {p["status"] for p in bearer_client(demo).get("/api/payouts/").json()["results"]}
    assert payouts == {"requested", "paid"}
    assert referrer_chain(user_id=demo.pk) == [
        get_user_model().objects.get(username="demo-mentor").pk
    ]
    friend = get_user_model().objects.get(username="demo-friend2")
    assert referrer_chain(user_id=friend.pk)[1] == demo.pk


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        seed()

    assert counts() == (0, 0, 0, 0, 0)


def test_seed_demo_runs_with_force(settings):
    settings.DEBUG = False

    seed(force=True)

    assert Product.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_seeding_sends_no_email_about_made_up_clients(settings):
    """The seed commits for real here, so its applications' e-mails would leave."""
    from django.core import mail

    settings.DEBUG = True
    seed()

    assert Order.objects.exists()
    assert mail.outbox == []


def test_seed_demo_prints_links_where_the_server_answers(settings):
    settings.DEBUG = True

    printed = seed(base_url="http://127.0.0.1:8013")

    assert "http://127.0.0.1:8000" not in printed
    assert "(http://127.0.0.1:8013/admin/)" in printed
    assert "docs     http://127.0.0.1:8013/api/docs/" in printed
    product = Product.objects.filter(bank__name="Demo Bank").order_by("pk").first()
    assert f"http://127.0.0.1:8013/r/demo/{product.pk}/" in printed


def test_demo_catalogue_is_the_file_the_readme_uploads(settings):
    settings.DEBUG = True
    seed()

    names = set(Product.objects.filter(is_active=True).values_list("name", flat=True))
    assert names == {"Cashback card", "Travel miles card", "Savings plus deposit"}
