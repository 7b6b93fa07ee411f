"""E-mails about applications: to the client when it is received, to the partner when decided.

Each is sent only after the transaction that caused it commits (a rolled-back submission or
decision sends nothing), and a failing mail server never fails the request: the error is
logged and the application stands.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _send_after_commit(*, to: str, subject: str, body: str, what: str) -> None:
    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
        except Exception:
            logger.exception("Could not send the %s e-mail", what)

    transaction.on_commit(send)


def client_application_received(*, order, product) -> None:
    """Tell the client its application reached the bank, in the language the client used
    (the request's: the client's page is Russian unless it asked for English)."""
    names = {"number": order.pk, "product": product.name, "bank": product.bank.name}
    _send_after_commit(
        to=order.email_client,
        subject=_("Your application for %(product)s was received") % names,
        body=_(
            "Hello,\n\nyour application #%(number)s for %(product)s (%(bank)s) was received "
            "and sent to the bank. The bank will contact you with its decision.\n"
        )
        % names,
        what="application received",
    )


def partner_application_decided(*, order) -> None:
    """Tell the partner (when it has an address) that one of its applications was decided."""
    email = order.partner.email
    if not email:
        return
    if order.status == "approved":
        outcome = f"approved; your reward is {order.reward}"
    elif order.status == "reversed":
        outcome = f"reversed by the bank; its reward of {order.reward} is taken back"
    else:
        outcome = order.status
    _send_after_commit(
        to=email,
        subject=f"Application #{order.pk} was {order.status}",
        body=(
            f"Hello {order.partner.username},\n\n"
            f"the application #{order.pk} for {order.product.name} was {outcome}.\n"
        ),
        what="application decided",
    )
