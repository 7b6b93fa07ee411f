"""The catalogue's error types: why a bank's catalogue file was not imported.

The bank API answers them through `core.exceptions.exception_handler`; the admin and the
`import_catalog` command show the same problems as `CatalogImportError.lines()`.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import ApplicationError


class CatalogImportError(ApplicationError):
    """A catalogue file that cannot be imported; nothing was written.

    `errors` names the item and field of each problem in DRF's validation shape
    (`{"products[2].percent_user": ["..."]}`), so the bank can fix every line in one go.
    """

    default_detail = _("The catalogue cannot be imported.")

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(self.default_detail)
        self.errors = errors

    def as_data(self) -> dict:
        return {key: list(messages) for key, messages in self.errors.items()}

    def lines(self) -> list[str]:
        """One `key: message` line per problem, as the admin and the command show them."""
        return [
            f"{key}: {problem}" for key, problems in self.errors.items() for problem in problems
        ]


class CatalogTooLarge(CatalogImportError):
    """Over the size limit (1 MiB): refused before parsing, so a huge body costs no parser time."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE

    def __init__(self, *, max_bytes: int) -> None:
        mebibytes = f"{max_bytes / 1024 / 1024:g} MiB"
        message = _("The file is larger than {max_bytes} bytes ({mebibytes}).").format(
            max_bytes=max_bytes, mebibytes=mebibytes
        )
        super().__init__({"file": [message]})
