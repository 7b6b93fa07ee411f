"""`python manage.py seed_demo`: demo data to try the API with, safe to run again."""

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from catalog.importing import catalog_import
from catalog.services import bank_issue_token
from orders import services as order_services
from orders.models import Order
from partners.services import partner_onboard
from payouts import decisions
from payouts import services as payout_services
from referrals.selectors import invite_code_of

QUIET_EMAIL = "django.core.mail.backends.dummy.EmailBackend"
DEMO_BANK = "Demo Bank"
DEMO_PARTNER = ("demo", "demo-partner-2024", "demo@example.com")
DEMO_ADMIN = ("admin", "admin-demo-2024", "admin@example.com")
DEMO_PAYOUT_DETAILS = "Demo Bank, account 40817810099910004312"
# The referrer chain: mentor <- demo <- friend <- friend's friend (each invited by the one
# before), so the demo partner earns referral bonuses of both levels and pays one to its mentor.
DEMO_CHAIN = [
    ("demo-mentor", "demo-mentor-2024", "mentor@example.com"),
    ("demo-friend", "demo-friend-2024", "friend@example.com"),
    ("demo-friend2", "demo-friend2-2024", "friend2@example.com"),
]
# (product id in the catalogue, client e-mail, client phone, income, what the bank decides)
DEMO_APPLICATIONS = [
    ("cashback-card", "ivan@example.com", "+79990000001", "85000.00", {"approval": True}),
    ("cashback-card", "olga@example.com", "+79990000002", "42000.00", {"status": "rejected"}),
    ("travel-card", "petr@example.com", "+79990000003", "120000.00", {"view": True}),
    ("savings-plus", "maria@example.com", "+79990000004", "60000.00", {}),
]
# The same file the README uploads through the bank API, so the two never disagree.
DEMO_CATALOGUE = Path(settings.BASE_DIR) / "demo" / "catalog.yaml"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Load a demo bank with products, a demo partner and an admin; print how to sign in."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="Where the server answers, for the printed links (default: PUBLIC_BASE_URL, "
            f"else {DEFAULT_BASE_URL}); `make run` passes its HOST and PORT.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a real deployment: the passwords are public).",
        )

    def handle(self, *args, force: bool = False, base_url: str = "", **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with published passwords: it runs only with "
                "DEBUG=1, or with --force."
            )
        User = get_user_model()
        # The demo's clients and partner are made up: their notification e-mails go nowhere
        # (they would otherwise bury the credentials below in the console backend's output),
        # sent here and now rather than by a background task after this command's settings.
        with (
            override_settings(EMAIL_BACKEND=QUIET_EMAIL, TASKS_MODE="inline"),
            transaction.atomic(),
        ):
            summary = catalog_import(
                source=DEMO_CATALOGUE.read_text(encoding="utf-8"), create_bank=True
            )
            bank = summary.bank
            token = bank_issue_token(bank=bank)
            mentor = self._account(User, DEMO_CHAIN[0], bank=bank)
            partner = self._account(User, DEMO_PARTNER, bank=bank, invited_by=mentor)
            friend = self._account(User, DEMO_CHAIN[1], bank=bank, invited_by=partner)
            friend2 = self._account(User, DEMO_CHAIN[2], bank=bank, invited_by=friend)
            admin = self._account(User, DEMO_ADMIN, staff=True)
            self._applications(partner, bank)
            self._money(partner, [friend, friend2], bank, admin)
            applications = Order.objects.filter(partner=partner).count()
        base = (base_url or settings.PUBLIC_BASE_URL or DEFAULT_BASE_URL).rstrip("/")
        first = bank.products.filter(is_active=True).order_by("pk").first()
        self.stdout.write(
            "\n".join(
                [
                    "Demo data is ready.",
                    f"  partner  username: {partner.username}  password: {DEMO_PARTNER[1]}",
                    f"  admin    username: {admin.username}  password: {DEMO_ADMIN[1]}"
                    f"  ({base}/admin/)",
                    f"  bank     {bank.name}  token (new each run, shown once): {token}",
                    f"  applications of the demo partner: {applications}",
                    "  its commissions: pending, available, requested, paid, reversed and a "
                    "clawback (GET /api/balance/, /api/commissions/, /api/payouts/)",
                    f"  its referrer chain: {mentor.username} <- {partner.username} <- "
                    f"{friend.username} <- {friend2.username}",
                    f"  home     {base}/",
                    f"  docs     {base}/api/docs/",
                    f"  a client's page of the demo partner's link: "
                    f"{base}/r/{partner.username}/{first.pk}/",
                    "",
                ]
            )
        )

    @staticmethod
    def _account(
        User, credentials: tuple[str, str, str], *, bank=None, staff: bool = False, invited_by=None
    ):
        """Create the account, or put it back as the demo describes it; a new one joins with
        `invited_by`'s invite code."""
        username, password, email = credentials
        user = User.objects.with_username(username).first() or User(username=username)
        created = user.pk is None
        user.email = email
        user.is_active = True
        user.is_staff = user.is_superuser = staff
        if bank is not None:
            user.bank = bank
        if not staff:
            user.payout_details = DEMO_PAYOUT_DETAILS
        user.set_password(password)
        user.save()
        if created:
            code = invite_code_of(partner=invited_by) if invited_by is not None else None
            partner_onboard(partner=user, invite_code=code)
        return user

    @staticmethod
    def _approve(partner, bank, product_id, email, phone, income, *, held: bool = True):
        """A client applies through the partner's link and the bank approves it; without
        `held` its commissions are available at once (as if the hold had passed)."""
        order = order_services.order_create_from_link(
            username=partner.username,
            product_id=product_id,
            income=Decimal(income),
            email_client=email,
            phone=phone,
        )
        hold = settings.COMMISSION_HOLD_DAYS if held else 0
        with override_settings(COMMISSION_HOLD_DAYS=hold):
            decisions.bank_decision_apply(bank=bank, order_id=order.pk, approval=True)
        return order

    def _money(self, partner, friends, bank, admin) -> None:
        """Commissions of the demo partner in every state, once: paid (a payout marked paid),
        a clawback (a paid one reversed), requested (in a requested payout), available,
        pending (in its hold) and reversed; and referral bonuses from its friends' sales."""
        if Order.objects.filter(partner=partner, email_client=DEMO_MONEY[0][1]).exists():
            return
        products = {p.external_id: p.pk for p in bank.products.all()}
        orders = {}
        for external_id, email, phone, income, state in DEMO_MONEY:
            if state in ("paid", "paid, then reversed"):
                orders[state] = self._approve(
                    partner, bank, products[external_id], email, phone, income, held=False
                )
        paid = payout_services.payout_request(partner=partner)
        payout_services.payout_mark_paid(payout_id=paid.pk, admin=admin, reference="DEMO-TRX-1")
        decisions.bank_decision_apply(
            bank=bank,
            order_id=orders["paid, then reversed"].pk,
            status="reversed",
            reason="the client returned the card",
        )
        for external_id, email, phone, income, state in DEMO_MONEY:
            if state == "requested":
                self._approve(
                    partner, bank, products[external_id], email, phone, income, held=False
                )
                payout_services.payout_request(partner=partner)  # nets the clawback out
            elif state in ("available", "pending", "reversed"):
                order = self._approve(
                    partner,
                    bank,
                    products[external_id],
                    email,
                    phone,
                    income,
                    held=state == "pending",
                )
                if state == "reversed":
                    decisions.bank_decision_apply(bank=bank, order_id=order.pk, status="reversed")
        for number, friend in enumerate(friends, start=1):
            self._approve(
                friend,
                bank,
                products["cashback-card"],
                f"friend-client{number}@example.com",
                f"+7999000002{number}",
                "200000.00",
            )

    @staticmethod
    def _applications(partner, bank) -> int:
        """A few applications in every state, made through the services as clients, the bank
        and the partner would; only once, so the demo partner's statistics stay stable."""
        if not Order.objects.filter(partner=partner).exists():
            products = {p.external_id: p for p in bank.products.all()}
            for external_id, email, phone, income, decision in DEMO_APPLICATIONS:
                product = products[external_id]
                for _ in range(3):
                    order_services.referral_link_visit(
                        username=partner.username, product_id=product.pk
                    )
                order = order_services.order_create_from_link(
                    username=partner.username,
                    product_id=product.pk,
                    income=Decimal(income),
                    email_client=email,
                    phone=phone,
                )
                if decision:
                    decisions.bank_decision_apply(bank=bank, order_id=order.pk, **decision)
            order_services.order_draft_create(
                partner=partner, product_id=products["travel-card"].pk, income=Decimal("70000")
            )
        return Order.objects.filter(partner=partner).count()


# (product id, client e-mail, client phone, income, what happens) for the demo's money: each
# step goes through the services the bank, the partner and the admin use.
DEMO_MONEY = [
    ("cashback-card", "anna@example.com", "+79990000011", "120000.00", "paid"),
    ("travel-card", "boris@example.com", "+79990000012", "100000.00", "paid, then reversed"),
    ("cashback-card", "vera@example.com", "+79990000013", "300000.00", "requested"),
    ("travel-card", "gleb@example.com", "+79990000014", "50000.00", "available"),
    ("savings-plus", "dina@example.com", "+79990000015", "400000.00", "pending"),
    ("cashback-card", "egor@example.com", "+79990000016", "40000.00", "reversed"),
]
