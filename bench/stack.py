"""The local tenant and the BFF on loopback ports, in this process, as the tests run them.

Contract: `with running_stack() as stack:` serves the tenant (test hooks on, on
127.0.0.1) and a BFF wired to it (the SQLite store, on localhost: two sites, as in
production) with threaded werkzeug servers, and stops both on exit. `stack.bff_app`
and `stack.tenant_app` are the Flask apps, for reading server-side state.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from app import create_app
from app.tenant import create_tenant_app
from tests.support.servers import LiveServer
from tests.support.tenant import TenantHooks

#: Far above what a benchmark sends per second: the tenant's default (50 per token per
#: second, like Auth0's burst budget) would answer 429 and measure the limiter instead.
UNLIMITED = 1_000_000


@dataclass
class Stack:
    tenant_url: str
    bff_url: str
    tenant_app: Flask
    bff_app: Flask
    hooks: TenantHooks


def _not_ready(environ, start_response):
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]


@contextmanager
def running_stack() -> Iterator[Stack]:
    # One access-log line per request would be printed (and timed) otherwise.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="selfserve-bench-") as workdir:
        root = Path(workdir)
        # Both ports are bound and served first (each app needs the other's URL); the
        # apps are swapped in once built, so that stop() always has a loop to end.
        bff_server = LiveServer(url_host="localhost").serve(_not_ready)
        tenant_server = LiveServer(url_host="127.0.0.1").serve(_not_ready)
        try:
            tenant_app = create_tenant_app(
                data_dir=root / "tenant", base_url=tenant_server.url,
                bff_url=bff_server.url, testing=True,
            )
            tenant_server.swap(tenant_app)
            bff_app = create_app({
                "AUTH0_DOMAIN": tenant_server.url,
                "AUTH0_CLIENT_ID": "selfserve-demo-bff",
                "AUTH0_CLIENT_SECRET": tenant_app.config["DEMO_BFF_CLIENT_SECRET"],
                "APP_SECRET_KEY": secrets.token_urlsafe(48),
                "PUBLIC_URL": bff_server.url,
                "SESSION_TYPE": "sqlite",
                "DATA_DIR": str(root / "data"),
            })
            bff_server.swap(bff_app)
            hooks = TenantHooks(tenant_server.url)
            hooks.rate_limit(limit=UNLIMITED, window=1.0)
            yield Stack(tenant_server.url, bff_server.url, tenant_app, bff_app, hooks)
        finally:
            bff_server.stop()
            tenant_server.stop()
