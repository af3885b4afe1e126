"""Conformance tests use the Management API tests' client of the tenant."""

from __future__ import annotations

import pytest

from tests.tenant_management.support import TenantApi


@pytest.fixture
def api(tenant) -> TenantApi:
    """The tenant's API, with demo data and rate limits restored before the test."""
    client = TenantApi(tenant)
    client.reset()
    return client
