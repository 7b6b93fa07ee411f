"""The base of the bank API's views: `Authorization: Bank <token>` only (see `core.api`)."""

from catalog.authentication import BankTokenAuthentication, IsBank
from core.api import ScopedQuerysetMixin


# No class docstrings on these bases: drf-spectacular would show them as the description of
# every operation whose view has none.
class BankEndpoint(ScopedQuerysetMixin):
    # A bank's token; `request.auth` is the bank. Banks are not throttled per partner; wrong
    # tokens are, per address (`THROTTLE_BANK_AUTH`), which the schema lists as a 429.
    authentication_classes = [BankTokenAuthentication]
    permission_classes = [IsBank]
    throttle_classes: list = []
    schema_error_statuses = ("429",)
