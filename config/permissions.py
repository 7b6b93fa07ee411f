from rest_framework.permissions import BasePermission

from catalog.models import Bank


class IsBank(BasePermission):
    """Only a request authenticated with a bank token (`request.auth` is the bank)."""

    message = "A bank token is required."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Bank)
