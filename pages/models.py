from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApplicationReceipt(models.Model):
    """The thank-you page of an application sent through the client's page.

    The page's URL holds a random `token`, never the application's id, so that neither a
    reload nor a guessed URL reveals anyone's application; it shows the number and what
    happens next, nothing the client did not just type.
    """

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="receipt", editable=False
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("application receipt")
        verbose_name_plural = _("application receipts")

    def __str__(self) -> str:
        return f"receipt of application #{self.order_id}"
