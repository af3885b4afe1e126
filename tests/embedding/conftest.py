"""A BFF served on a real loopback port for the embedding tests.

These tests look only at what the BFF answers before anyone signs in (CORS,
framing, the shell, the mount), so its tenant URL points at a closed loopback
port: nothing here may need the tenant.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import pytest
import requests

from tests.support.servers import LiveServer, free_port

HOST_ORIGIN = "http://localhost:5555"  # a made-up host page allowed to embed
OTHER_ORIGIN = "https://evil.example"


def _env(data_dir) -> dict[str, str]:
    return {
        "AUTH0_DOMAIN": f"http://127.0.0.1:{free_port()}",
        "AUTH0_CLIENT_ID": "selfserve-demo-bff",
        "AUTH0_CLIENT_SECRET": "not-used-before-sign-in",
        "APP_SECRET_KEY": secrets.token_urlsafe(48),
        "SESSION_TYPE": "sqlite",
        "DATA_DIR": str(data_dir),
        "EMBED_ALLOWED_ORIGINS": HOST_ORIGIN,
    }


@pytest.fixture
def embed_env(tmp_path) -> dict[str, str]:
    """Settings of a BFF that allows HOST_ORIGIN to embed it (a test may change them)."""
    return _env(tmp_path / "data")


@pytest.fixture
def servers() -> Iterator[list[LiveServer]]:
    """Loopback servers a test starts (`LiveServer(url_host="localhost")`); stopped after it."""
    started: list[LiveServer] = []
    yield started
    for server in started:
        server.stop()


def start_server(servers: list[LiveServer], app: Callable | None = None) -> LiveServer:
    server = LiveServer(url_host="localhost")
    servers.append(server)
    # Bound now, so the app can be told its own URL before it is built.
    return server.serve(app) if app is not None else server


@pytest.fixture(scope="module")
def bff_url(tmp_path_factory) -> Iterator[str]:
    """A BFF allowing HOST_ORIGIN to embed it, on a real loopback port (one per module)."""
    from app import create_app

    server = LiveServer(url_host="localhost")
    env = _env(tmp_path_factory.mktemp("sessions"))
    env["PUBLIC_URL"] = server.url
    server.serve(create_app(env))
    yield server.url
    server.stop()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session
