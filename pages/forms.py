"""The client's form on the page of a referral link.

The fields are checked by the JSON endpoint's own serializer (`OrderLinkCreateSerializer`), so
the page and `POST /api/order/ref/...` accept and refuse exactly the same input with the same
messages; the form adds only what a page needs: the consent and money as people write it.
"""

import re

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from orders.serializers import OrderLinkCreateSerializer

APPLICATION_FIELDS = ("income", "email_client", "phone")
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def income_as_typed(value: str) -> str:
    """`50 000,50` (Russian) or `50,000.50` (English) as the plain `50000.50` the API takes.

    Group separators of the active language go (where they really group thousands), its
    decimal separator becomes a point; anything else is left for the serializer to refuse.
    """
    value = _SPACES.sub("", value)
    thousands = get_format("THOUSAND_SEPARATOR")
    decimal = get_format("DECIMAL_SEPARATOR")
    if thousands and not thousands.isspace():
        # Only real groups of three: in English `50000,50` is a typo, not fifty million.
        grouped = rf"[+-]?\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+(?:{re.escape(decimal)}\d+)?"
        if re.fullmatch(grouped, value):
            value = value.replace(thousands, "")
    if decimal != ".":
        value = value.replace(decimal, ".")
    return value


class LinkApplicationForm(forms.Form):
    income = forms.CharField(
        label=_("Monthly income, ₽"),
        help_text=_("Before tax, for example %(example)s."),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    email_client = forms.CharField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        help_text=_("The bank calls this number about the application."),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data"),
        error_messages={"required": _("Please agree to the processing of your personal data.")},
    )

    def __init__(self, *args, income_example: str = "", consent_hint: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["income"].help_text = self.fields["income"].help_text % {
            "example": income_example
        }
        self.fields["consent"].help_text = consent_hint
        for name in APPLICATION_FIELDS:
            self.fields[name].widget.attrs["required"] = True
        self.application: dict = {}

    def clean(self) -> dict:
        cleaned = super().clean()
        data = {name: self.data.get(name, "") for name in APPLICATION_FIELDS}
        data["income"] = income_as_typed(data["income"])
        serializer = OrderLinkCreateSerializer(data=data)
        if serializer.is_valid():
            self.application = dict(serializer.validated_data)
        else:
            for field, messages in serializer.errors.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, str(message))
        return cleaned
