"""Fixtures chain: servers -> tenant -> BFF app -> HTTP client -> signed-in client.

Everything runs for real on loopback: the local tenant and the BFF are WSGI apps
served on their own ports (tenant on 127.0.0.1, BFF on localhost: two sites, as in
production), Redis is a real redis-server, the browser is Debian's Chromium.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask import Flask

from tests.support.servers import LiveServer, RedisClusterServers, RedisServer


@dataclass
class Tenant:
    """The local tenant under test: its URL, data folder, Flask app and demo BFF secret."""

    url: str  # http://127.0.0.1:PORT, no trailing slash
    data_dir: Path
    app: Flask
    bff_client_secret: str

    @property
    def issuer(self) -> str:
        return self.url + "/"

    @property
    def audience(self) -> str:
        return self.issuer + "api/v2/"


def _bff_not_built(environ, start_response):
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"no BFF built yet: use the make_bff or bff fixture"]


@pytest.fixture(scope="session")
def bff_server() -> Iterator[LiveServer]:
    """The BFF's port, bound before the tenant is seeded so the demo clients know its URL."""
    server = LiveServer(url_host="localhost")
    server.serve(_bff_not_built)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tenant(tmp_path_factory, bff_server) -> Iterator[Tenant]:
    """The local tenant on a real loopback port, with test hooks on, seeded with demo data."""
    from app.tenant import create_tenant_app

    data_dir = tmp_path_factory.mktemp("tenant")
    server = LiveServer(url_host="127.0.0.1")
    tenant_app = create_tenant_app(
        data_dir=data_dir, base_url=server.url, bff_url=bff_server.url, testing=True
    )
    server.serve(tenant_app)
    yield Tenant(
        url=server.url,
        data_dir=data_dir,
        app=tenant_app,
        bff_client_secret=tenant_app.config["DEMO_BFF_CLIENT_SECRET"],
    )
    server.stop()


@pytest.fixture
def hooks(tenant) -> Iterator:
    """The tenant's test hooks, with demo data, sessions, faults and tweaks reset around
    the test (`tests/support/tenant.py`)."""
    from tests.support.tenant import TenantHooks

    tenant_hooks = TenantHooks(tenant.url)
    tenant_hooks.reset()
    yield tenant_hooks
    tenant_hooks.reset()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory) -> Iterator[RedisClusterServers]:
    """A three-node Redis Cluster on loopback ports (`nodes_setting`: REDIS_CLUSTER_NODES)."""
    cluster = RedisClusterServers(tmp_path_factory.mktemp("redis-cluster"))
    yield cluster
    cluster.stop()


@pytest.fixture
def redis_env(redis_server) -> dict[str, str]:
    """BFF settings for the Redis store, on a database emptied for the test."""
    import redis

    url = redis_server.url.rsplit("/", 1)[0] + "/3"
    redis.from_url(url).flushdb()
    return {"SESSION_TYPE": "redis", "REDIS_URL": url}


@pytest.fixture(params=["sqlite", "redis"])
def store_env(request) -> dict[str, str]:
    """BFF settings for each store in turn (SQLite in the test's DATA_DIR, or Redis)."""
    if request.param == "redis":
        return request.getfixturevalue("redis_env")
    return {"SESSION_TYPE": "sqlite"}


#: The store of every BFF the suite builds unless a test picks one: `sqlite` (default) or
#: `redis`, from SELFSERVE_TEST_STORE, so that the same tests run on both (`.ci/run`
#: runs the BFF's folders again with `redis`).
TEST_STORE = os.environ.get("SELFSERVE_TEST_STORE", "sqlite")


def pytest_configure(config: pytest.Config) -> None:
    if TEST_STORE not in ("sqlite", "redis"):
        raise pytest.UsageError(f"SELFSERVE_TEST_STORE={TEST_STORE!r}: use sqlite or redis")


@pytest.fixture
def default_store_env(request) -> dict[str, str]:
    """The store settings `bff_env` starts from (see TEST_STORE)."""
    if TEST_STORE == "redis":
        return request.getfixturevalue("redis_env")
    return {"SESSION_TYPE": "sqlite"}


@pytest.fixture
def bff_env(tenant, bff_server, tmp_path, default_store_env) -> dict[str, str]:
    """Environment for a BFF wired to the local tenant's confidential demo client."""
    return {
        "AUTH0_DOMAIN": tenant.url,
        "AUTH0_CLIENT_ID": "selfserve-demo-bff",
        "AUTH0_CLIENT_SECRET": tenant.bff_client_secret,
        "APP_SECRET_KEY": secrets.token_urlsafe(48),
        "PUBLIC_URL": bff_server.url,
        **default_store_env,
        "DATA_DIR": str(tmp_path / "data"),
    }


@pytest.fixture
def make_bff(bff_server, bff_env) -> Callable[..., Flask]:
    """Build a BFF with `bff_env` plus overrides and serve it on the BFF port.

    Overrides whose value is None remove the variable (e.g. AUTH0_CLIENT_SECRET=None
    gives a public client).
    """
    from app import create_app

    def build(**overrides: str | None) -> Flask:
        env = {**bff_env, **overrides}
        env = {k: v for k, v in env.items() if v is not None}
        # Unset keys must not leak in from the process environment either.
        for key, value in overrides.items():
            if value is None:
                env[key] = ""
        app = create_app(env)
        bff_server.swap(app)
        return app

    return build


@pytest.fixture
def bff(make_bff) -> Flask:
    """The default BFF: code flow with PKCE, confidential client, SQLite store."""
    return make_bff()



@pytest.fixture
def http(bff, bff_server) -> Iterator[requests.Session]:
    """A requests.Session to the served default BFF, keeping cookies like a browser.

    `http.bff_url` is the BFF's URL (its PUBLIC_URL).
    """
    with requests.Session() as session:
        session.bff_url = bff_server.url  # type: ignore[attr-defined]
        yield session


@pytest.fixture
def signed_in(http) -> requests.Session:
    """`http` signed in as alice through /login, the tenant's login form and /callback."""
    from tests.support.login import sign_in

    response = sign_in(http, http.bff_url)
    assert response.status_code == 200, response.text[:500]
    return http
