"""What can go wrong with partners, their tokens and their one-time codes."""

from rest_framework import status

from core.errors import ApplicationError, ConflictError

USERNAME_TAKEN = "A user with that username already exists."
EMAIL_TAKEN = "A user with that e-mail already exists."


class InvalidTokenError(ApplicationError):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Token is invalid or expired."


class UsernameTakenError(ApplicationError):
    default_detail = USERNAME_TAKEN


class EmailTakenError(ApplicationError):
    default_detail = EMAIL_TAKEN


class WrongPasswordError(ApplicationError):
    default_detail = "Wrong password."


class InvalidPhoneCodeError(ApplicationError):
    """One message for wrong, expired, used, exhausted and unknown codes: nothing to learn."""

    default_detail = "Invalid or expired code."


class PhoneTakenError(ConflictError):
    default_detail = "This phone number belongs to another partner."


class SmsDeliveryError(ApplicationError):
    """The SMS could not be handed over: the client should simply try again later."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Could not send the code, try again later."
