"""Fixtures for the Management API tests: a client of the tenant, reset before each test."""

from __future__ import annotations

import pytest

from tests.tenant_management.support import TenantApi


@pytest.fixture
def mgmt(tenant) -> TenantApi:
    """The tenant's API, with demo data and rate limits restored before the test."""
    client = TenantApi(tenant)
    client.reset()
    return client


@pytest.fixture
def alice_token(mgmt) -> str:
    return mgmt.access_token()
