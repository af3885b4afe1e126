"""Fixtures for the JSON API: signed-in HTTP clients whose every /api/ response is checked
against the BFF's own `/api/openapi.json`, and the tenant's test hooks, reset per test."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from app.tenant.directory import ALICE_ID, BOB_ID
from tests.support.servers import LiveServer

__all__ = ["ALICE_ID", "BOB_ID", "mint_token", "write_metadata_at_the_tenant"]


def mint_token(hooks, tenant, sub: str, scope: str) -> str:
    """A Management API access token for `sub`, signed by the tenant (as another client's)."""
    now = int(time.time())
    return hooks.mint({"iss": tenant.issuer, "sub": sub, "aud": tenant.audience,
                       "azp": "selfserve-demo-bff", "scope": scope, "iat": now,
                       "exp": now + 600})


def write_metadata_at_the_tenant(hooks, tenant, user_id: str,
                                 changes: dict[str, Any]) -> dict[str, Any]:
    """PATCH `user_id`'s user_metadata at the tenant directly, as another client of the
    tenant would (bypassing the BFF's rules); the tenant's answer."""
    token = mint_token(hooks, tenant, user_id,
                       "read:current_user update:current_user_metadata")
    response = requests.patch(f"{tenant.url}/api/v2/users/{user_id}",
                              json={"user_metadata": changes},
                              headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


class ApiSession(requests.Session):
    """A browser-like session to the BFF: sends the CSRF header and Origin, and fails the
    test on any /api/ response that does not match the OpenAPI document."""

    def __init__(self, bff_url: str) -> None:
        super().__init__()
        self.bff_url = bff_url
        self.headers.update({"X-CSRF": "1", "Origin": bff_url, "Accept": "application/json"})
        self._spec: OpenAPI | None = None

    def spec(self) -> OpenAPI:
        if self._spec is None:
            document = requests.get(self.bff_url + "/api/openapi.json", timeout=10)
            document.raise_for_status()
            # openapi-core does not read problem+json as JSON by itself.
            config = Config(extra_media_type_deserializers={
                "application/problem+json": json.loads})
            self._spec = OpenAPI.from_dict(document.json(), config=config)
        return self._spec

    def request(self, method, url, *args, **kwargs):  # noqa: ANN001 - requests' signature
        kwargs.setdefault("timeout", 30)
        if url.startswith("/"):
            url = self.bff_url + url
        response = super().request(method, url, *args, **kwargs)
        if "/api/me" in url:
            self.spec().validate_response(
                RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response)
            )
        return response


@pytest.fixture
def new_api(bff_server, hooks) -> Callable[..., ApiSession]:
    """`new_api(username, password, user_agent=None)`: another signed-in client (another
    tab or browser; `user_agent` is its User-Agent header)."""

    from tests.support.login import sign_in

    def make(username: str = "alice@example.com",
             password: str = "alice-demo-password", *,
             user_agent: str | None = None) -> ApiSession:
        session = ApiSession(bff_server.url)
        if user_agent:
            session.headers["User-Agent"] = user_agent
        done = sign_in(session, bff_server.url, username=username, password=password)
        assert done.status_code == 200 and done.url.startswith(bff_server.url), done.url
        assert session.get("/bff/user").status_code == 200
        return session

    return make


@pytest.fixture
def api(bff, new_api) -> ApiSession:
    """Alice, signed in to the default BFF."""
    return new_api()


# --- a recording server: proves a client sent nothing ------------------------------------

@pytest.fixture(scope="module")
def recorder():
    """A loopback server that answers `{}` and lists every request it got, as
    "METHOD /path": a guard test asserts it stayed empty."""
    hits: list[str] = []

    def app(environ, start_response):
        hits.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    server = LiveServer().serve(app)
    yield server, hits
    server.stop()


def token_for(sub: str) -> str:
    # Only `sub` is read by the guard; the tenant would check the signature.
    return jwt.encode({"sub": sub}, "x" * 32, algorithm="HS256")
