"""API clients signed in as a partner or a bank, for the tests of every app."""

from rest_framework.test import APIClient

from accounts.tokens import issue_token_pair
from catalog.services import bank_issue_token


def bearer_client(user) -> APIClient:
    """An APIClient that sends a fresh access token of `user`."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token_pair(user)['access']}")
    return client


def bank_client(bank) -> APIClient:
    """An APIClient sending a fresh token of `bank` (which replaces its earlier ones)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bank {bank_issue_token(bank=bank)}")
    return client


def signed_in(access: str) -> APIClient:
    """An APIClient that sends this access token (one a response handed out)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client
