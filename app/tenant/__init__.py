"""The local Auth0-compatible tenant: a Flask app of its own, for demos and tests.

Contract (docs/architecture.md):
- `create_tenant_app(data_dir, base_url, *, bff_url, testing)`: issuer `base_url + "/"`,
  Management API audience `issuer + "api/v2/"`, SQLite store `data_dir/tenant.sqlite3`,
  signing keys `data_dir/keys/`. Demo users are seeded on first start; the demo clients
  are (re)registered for `bff_url` at every start. `app.config["DEMO_BFF_CLIENT_SECRET"]`
  is the confidential demo client's secret; `app.extensions["tenant"]` the
  `TenantContext` (issuer, audience, keys, `verify_access_token`),
  `app.extensions["tenant.runtime"]` the `TenantRuntime` (token lifetimes, signer,
  reset hooks). Test hooks (`app.tenant.testing`) are mounted only with `testing=True`.
- `reset_tenant(app)`: demo data back to the seed; sessions, codes, tokens,
  queued back-channel deliveries, test faults/tweaks and settings cleared; keys and
  client secrets kept.
- `serve_tenant(...)` (app.tenant.server) runs it with werkzeug.
The BFF never imports this package.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from app import paths
from app.tenant import db

_SECRET_KEY_FILE = "tenant-secret-key"


def _secret_key(data_dir: Path) -> str:
    """The key signing the SSO cookie: made once per data folder, so sessions survive."""
    path = data_dir / _SECRET_KEY_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def create_tenant_app(
    data_dir: str | Path,
    base_url: str,
    *,
    bff_url: str = "http://localhost:8000",
    testing: bool = False,
) -> Flask:
    """Build the tenant app for `base_url` (e.g. http://127.0.0.1:3001, no trailing slash)."""
    # Importing these registers their tables with app.tenant.db before init_db runs.
    from app.tenant import backchannel, clients, directory, management, myaccount, sso, views  # noqa: F401,E501
    from app.tenant.context import TenantContext
    from app.tenant.keys import KeyRing
    from app.tenant.mfa import enrollments, login_steps, outbox  # noqa: F401
    from app.tenant.oauth import server as oauth_server
    from app.tenant.oauth import store  # noqa: F401
    from app.tenant.runtime import TenantRuntime

    base_url = base_url.rstrip("/")
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)

    app = Flask(__name__, template_folder=str(paths.TEMPLATES), static_folder=None)
    app.config.update(
        SECRET_KEY=_secret_key(data_dir),
        TENANT_DB_PATH=str(data_dir / "tenant.sqlite3"),
        TESTING=testing,
        JSON_SORT_KEYS=False,
    )
    tenant = TenantContext(
        base_url=base_url, keys=KeyRing(data_dir / "keys"), bff_url=bff_url, testing=testing
    )
    app.extensions["tenant"] = tenant
    app.extensions["tenant.runtime"] = TenantRuntime(tenant)
    backchannel.install(app)

    db.init_db(app.config["TENANT_DB_PATH"])
    conn = db.connect(app.config["TENANT_DB_PATH"])
    try:
        directory.seed_demo(conn)
        clients.seed_clients(conn, bff_url)
        app.config["DEMO_BFF_CLIENT_SECRET"] = clients.client_secret(
            conn, clients.DEMO_BFF_CLIENT_ID
        )
    finally:
        conn.close()

    app.teardown_appcontext(db.close_db)
    oauth_server.init_app(app)
    views.init_app(app)
    app.register_blueprint(management.bp, url_prefix="/api/v2")
    app.register_blueprint(myaccount.bp, url_prefix="/me/v1")
    app.register_blueprint(outbox.bp)
    if testing:
        from app.tenant import testing as test_hooks

        test_hooks.init_app(app)
    return app


def reset_tenant(app: Flask) -> None:
    """Restore the demo data and forget sessions, codes, tokens and test state."""
    from app.tenant import backchannel, directory, sso
    from app.tenant.mfa import login_steps, outbox
    from app.tenant.oauth import store

    conn = db.connect(app.config["TENANT_DB_PATH"])
    try:
        sso.clear_all(conn)
        store.clear_all(conn)
        directory.reset_demo(conn)
        login_steps.clear_all(conn)
        outbox.clear(conn)
        app.extensions["tenant.runtime"].reset(conn)
        conn.commit()
    finally:
        conn.close()
    backchannel.outbox(app).clear()


def serve_tenant(*args, **kwargs) -> None:
    """See `app.tenant.server.serve_tenant`."""
    from app.tenant.server import serve_tenant as serve

    serve(*args, **kwargs)
