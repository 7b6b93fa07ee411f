import uuid

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    """Each test counts under its own prefix, so no test is throttled by another's requests."""
    settings.RATELIMIT_KEY_PREFIX = f"rl-test-{uuid.uuid4().hex}"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def partner(db):
    return UserFactory()


@pytest.fixture
def partner_password() -> str:
    return PASSWORD


def bearer_client(user) -> APIClient:
    """An APIClient that sends a fresh access token of `user`."""
    from accounts.tokens import issue_token_pair

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token_pair(user)['access']}")
    return client


@pytest.fixture
def partner_client(partner) -> APIClient:
    return bearer_client(partner)
