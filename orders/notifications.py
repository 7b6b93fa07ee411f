"""E-mails about applications: to the client when it is received, to the partner when decided.

Each is written here, in the language of the request, and sent by a background task
(`core.tasks.send_email`) once the transaction that caused it commits: a rolled-back
submission or decision sends nothing, and a slow or failing mail server never delays or fails
the request (the task logs the failure; the application stands).
"""

from django.utils.translation import gettext as _

from core.tasks import run_after_commit, send_email


def _send_after_commit(*, to: str, subject: str, body: str) -> None:
    run_after_commit(send_email, to, str(subject), str(body))


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
    )
