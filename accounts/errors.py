"""What can go wrong with partners, their tokens and their one-time codes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import ApplicationError, ConflictError

USERNAME_TAKEN = _("A user with that username already exists.")
EMAIL_TAKEN = _("A user with that e-mail already exists.")


class InvalidTokenError(ApplicationError):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("Token is invalid or expired.")


class UsernameTakenError(ApplicationError):
    default_detail = USERNAME_TAKEN


class EmailTakenError(ApplicationError):
    default_detail = EMAIL_TAKEN


class WrongPasswordError(ApplicationError):
    default_detail = _("Wrong password.")


class InvalidPhoneCodeError(ApplicationError):
    """One message for wrong, expired, used, exhausted and unknown codes: nothing to learn."""

    default_detail = _("Invalid or expired code.")


class PhoneTakenError(ConflictError):
    default_detail = _("This phone number belongs to another partner.")


class SmsDeliveryError(ApplicationError):
    """The SMS could not be handed over: the client should simply try again later."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("Could not send the code, try again later.")
