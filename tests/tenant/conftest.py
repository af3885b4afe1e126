"""Fixtures for the tenant's protocol tests: hooks, a fresh tenant, a browser-like session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.support.tenant import TenantHooks


@pytest.fixture(scope="session")
def hooks(tenant) -> TenantHooks:
    return TenantHooks(tenant.url)


@pytest.fixture
def fresh(tenant, hooks) -> Iterator:
    """The tenant with demo data as seeded and no sessions, faults or tweaks."""
    hooks.reset()
    yield tenant
    hooks.clear_faults()
    hooks.clear_tweaks()


@pytest.fixture
def browser() -> Iterator[requests.Session]:
    """A cookie-keeping HTTP client that follows no redirect unless told to."""
    with requests.Session() as session:
        yield session
