"""Reads of the pages."""

from pages.models import ApplicationReceipt


def receipt_by_token(*, token: str) -> ApplicationReceipt | None:
    """The receipt a thank-you page shows, with what it names; None for an unknown token."""
    return (
        ApplicationReceipt.objects.select_related("order__product__bank")
        .filter(token=token)
        .first()
    )
