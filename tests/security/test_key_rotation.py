"""Key rotation under a flood of forged `kid`s (issue 8, §3.8).

Anyone can post a logout token to `/backchannel-logout`. One with a made-up `kid`
makes the BFF refetch the tenant's JWKS; if that used up the only refetch allowed,
a sign-in with a freshly rotated key was refused until the window passed. Here the
flood comes over real HTTP, the tenant really rotates its key, and the JWKS
requests are counted where they arrive: at the tenant.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests

from app.auth import jwks
from tests.support.backchannel import logout_claims
from tests.support.login import sign_in

FLOOD = 40


class JwksCounter:
    """WSGI middleware in front of the tenant counting `GET /.well-known/jwks.json`."""

    def __init__(self, wrapped) -> None:
        self.wrapped = wrapped
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/.well-known/jwks.json":
            with self._lock:
                self.count += 1
        return self.wrapped(environ, start_response)


@pytest.fixture
def jwks_fetches(tenant) -> Iterator[JwksCounter]:
    counter = JwksCounter(tenant.app.wsgi_app)
    tenant.app.wsgi_app = counter
    yield counter
    tenant.app.wsgi_app = counter.wrapped


def flood_with_forged_kids(bff_url: str, hooks, tenant, count: int) -> None:
    for _ in range(count):
        token = hooks.mint(logout_claims(tenant, sub="auth0|nobody"), sign="unknown_kid")
        answer = requests.post(bff_url + "/backchannel-logout", data={"logout_token": token},
                               timeout=10)
        assert answer.status_code == 400, answer.text
        assert "does not publish" in answer.json()["detail"]


def test_a_rotated_key_signs_in_at_once_despite_forged_kids(bff, bff_server, hooks, tenant,
                                                             jwks_fetches):
    bff_url = bff_server.url
    with requests.Session() as first:
        assert sign_in(first, bff_url).status_code == 200  # the BFF now caches the JWKS
    before = jwks_fetches.count
    flood_with_forged_kids(bff_url, hooks, tenant, FLOOD)
    # Forty forged kids in well under UNTRUSTED_REFETCH_INTERVAL: one refetch at most.
    assert jwks_fetches.count - before <= 1

    new_kid = hooks.rotate_keys()
    with requests.Session() as second:
        page = sign_in(second, bff_url)
        assert page.status_code == 200, page.text[:500]
        user = second.get(bff_url + "/bff/user", timeout=10)
        assert user.status_code == 200 and user.json()["user"]["email"] == "alice@example.com"
    jwks_document = requests.get(tenant.url + "/.well-known/jwks.json", timeout=10).json()
    assert new_kid in {key["kid"] for key in jwks_document["keys"]}
    # However long the flood lasts: one refetch per interval, at most three a minute.
    assert jwks.UNTRUSTED_REFETCH_INTERVAL >= 20

