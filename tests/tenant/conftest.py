"""Fixtures for the tenant's protocol tests: hooks, a fresh tenant, a browser-like session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests


@pytest.fixture
def fresh(tenant, hooks):
    """The tenant with demo data as seeded and no sessions, faults or tweaks (the
    `hooks` fixture resets it around the test)."""
    return tenant


@pytest.fixture
def agent() -> Iterator[requests.Session]:
    """A cookie-keeping HTTP client that follows no redirect unless told to."""
    with requests.Session() as session:
        yield session
