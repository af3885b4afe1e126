"""Fixtures of the My Account tests: the tenant reset around each test, bob's and
alice's `/me/` clients (tokens from a real sign-in), the Management API's test client."""

from __future__ import annotations

import pytest

from tests.tenant_management.support import TenantApi
from tests.tenant_myaccount.support import ALICE, BOB, MyAccount, sign_in_for_tokens


@pytest.fixture
def api(tenant, hooks) -> TenantApi:
    return TenantApi(tenant)


@pytest.fixture
def bob_tokens(tenant, hooks, bff_server) -> dict:
    return sign_in_for_tokens(tenant, bff_server.url, user=BOB)


@pytest.fixture
def bob(tenant, bob_tokens) -> MyAccount:
    return MyAccount(tenant, bob_tokens["access_token"])


@pytest.fixture
def alice(tenant, hooks, bff_server) -> MyAccount:
    return MyAccount(tenant, sign_in_for_tokens(tenant, bff_server.url,
                                                user=ALICE)["access_token"])


@pytest.fixture
def browser_session():
    import requests

    with requests.Session() as session:
        yield session

