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

QUIET_EMAIL = "django.core.mail.backends.dummy.EmailBackend"
DEMO_BANK = "Demo Bank"
DEMO_PARTNER = ("demo", "demo-partner-2024", "demo@example.com")
DEMO_ADMIN = ("admin", "admin-demo-2024", "admin@example.com")
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
        # (they would otherwise bury the credentials below in the console backend's output).
        with override_settings(EMAIL_BACKEND=QUIET_EMAIL), transaction.atomic():
            summary = catalog_import(
                source=DEMO_CATALOGUE.read_text(encoding="utf-8"), create_bank=True
            )
            bank = summary.bank
            token = bank_issue_token(bank=bank)
            partner = self._account(User, DEMO_PARTNER, bank=bank)
            admin = self._account(User, DEMO_ADMIN, staff=True)
            applications = self._applications(partner, bank)
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
                    f"  home     {base}/",
                    f"  docs     {base}/api/docs/",
                    f"  a client's page of the demo partner's link: "
                    f"{base}/r/{partner.username}/{first.pk}/",
                    "",
                ]
            )
        )

    @staticmethod
    def _account(User, credentials: tuple[str, str, str], *, bank=None, staff: bool = False):
        """Create the account, or put it back as the demo describes it."""
        username, password, email = credentials
        user = User.objects.with_username(username).first() or User(username=username)
        created = user.pk is None
        user.email = email
        user.is_active = True
        user.is_staff = user.is_superuser = staff
        if bank is not None:
            user.bank = bank
        user.set_password(password)
        user.save()
        if created:
            partner_onboard(partner=user)
        return user

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
                    order_services.order_apply_bank_decision(
                        bank=bank, order_id=order.pk, **decision
                    )
            order_services.order_draft_create(
                partner=partner, product_id=products["travel-card"].pk, income=Decimal("70000")
            )
        return Order.objects.filter(partner=partner).count()
