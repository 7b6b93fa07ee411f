"""The HTTP benchmark's fixed data: a bank with its catalogue, a partner of that bank and the
credentials wrk sends. Run by `bench/over_http.py` in the server's environment; prints JSON."""

import json

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from accounts.tokens import issue_token_pair  # noqa: E402
from catalog.importing import catalog_import  # noqa: E402
from catalog.services import bank_issue_token  # noqa: E402
from partners.services import partner_onboard  # noqa: E402

PRODUCTS = 50
PASSWORD = "Bench-Partner-Password-42"

items = "\n".join(
    f"  - {{id: p{n}, name: Product {n}, category: cards, percent_user: 1.5, percent_bank: 3}}"
    for n in range(PRODUCTS)
)
summary = catalog_import(
    source=f"bank: Bench Bank\ncategories:\n  - {{id: cards, name: Cards}}\nproducts:\n{items}",
    create_bank=True,
)
partner = get_user_model()(username="bench", email="bench@example.com", bank=summary.bank)
partner.set_password(PASSWORD)
partner.save()
partner_onboard(partner=partner)
print(
    json.dumps(
        {
            "partner": partner.pk,
            "bank": summary.bank.pk,
            "products": sorted(summary.bank.products.values_list("pk", flat=True)),
            "access": issue_token_pair(partner)["access"],
            "bank_token": bank_issue_token(bank=summary.bank),
        }
    )
)
