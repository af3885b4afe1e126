"""Fixtures for the security review's tests: a signed-in, browser-like client that sends
the CSRF proofs (so a refusal is about what the test probes, not about CSRF)."""

from __future__ import annotations

import pytest
import requests

from tests.support.login import sign_in


@pytest.fixture
def spa(bff, bff_server, hooks) -> requests.Session:
    """Calls as the SPA makes them: alice signed in to the default BFF, and every
    request carrying `X-CSRF: 1` and the BFF's own `Origin`."""
    with requests.Session() as session:
        assert sign_in(session, bff_server.url).status_code == 200
        session.headers.update({"X-CSRF": "1", "Origin": bff_server.url,
                                "Accept": "application/json"})
        session.bff_url = bff_server.url  # type: ignore[attr-defined]
        yield session
