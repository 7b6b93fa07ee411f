"""Writes of the pages: an application sent from the client's page of a referral link."""

import secrets
from decimal import Decimal

from django.db import transaction

from orders.services import order_create_from_link
from pages.models import ApplicationReceipt


def link_application_submit(
    *, username: str, product_id: int, income: Decimal, email_client: str, phone: str
) -> ApplicationReceipt:
    """A client applies from the link's page: the JSON endpoint's service (same 404, same
    duplicate rule, channel `link`) and, in the same transaction, the receipt whose random
    token names the thank-you page."""
    with transaction.atomic():
        order = order_create_from_link(
            username=username,
            product_id=product_id,
            income=income,
            email_client=email_client,
            phone=phone,
        )
        return ApplicationReceipt.objects.create(order=order, token=secrets.token_urlsafe(32))
