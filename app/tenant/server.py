"""Run the local tenant alone with werkzeug's threaded server, for a BFF of your own.

Contract: `serve_tenant(data_dir, host, port, bff_url=..., write_env=None)` prints the
tenant's URL, the demo clients as registered for `bff_url` (ids, the confidential
client's secret, callback, logout and back-channel logout URLs) and the demo users;
with `write_env` it first writes a `.env` a BFF at `bff_url` starts from
(`bff_env`: AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, APP_SECRET_KEY,
PUBLIC_URL; owner-only permissions). Then it serves until Ctrl-C.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server


def describe_clients(app: Flask) -> list[str]:
    """Printable lines naming each demo client and its registered URLs."""
    from app.tenant import clients, db

    conn = db.connect(app.config["TENANT_DB_PATH"])
    try:
        registered = clients.all_clients(conn)
    finally:
        conn.close()
    lines = []
    for client in registered:
        kind = (f"confidential, secret {client.client_secret}" if client.client_secret
                else "public, PKCE")
        lines.append(f"  {client.client_id} ({kind})")
        lines.append(f"    callbacks:   {' '.join(client.callbacks)}")
        lines.append(f"    logout URLs: {' '.join(client.allowed_logout_urls)}")
        lines.append(f"    web origins: {' '.join(client.web_origins)}")
        if client.backchannel_logout_uri:
            lines.append(f"    back-channel logout: {client.backchannel_logout_uri}")
    return lines


def bff_env(app: Flask, bff_url: str) -> dict[str, str]:
    """The variables of a BFF at `bff_url` signing in through the confidential demo client."""
    from app.tenant.clients import DEMO_BFF_CLIENT_ID

    return {
        "AUTH0_DOMAIN": app.extensions["tenant"].base_url,
        "AUTH0_CLIENT_ID": DEMO_BFF_CLIENT_ID,
        "AUTH0_CLIENT_SECRET": app.config["DEMO_BFF_CLIENT_SECRET"],
        "APP_SECRET_KEY": secrets.token_urlsafe(48),
        "PUBLIC_URL": bff_url.rstrip("/"),
    }


def write_env_file(path: Path, values: dict[str, str]) -> None:
    """Write `values` as a .env file readable by its owner only (it holds secrets)."""
    text = "# Written by `selfserve tenant --write-env`: a BFF for the local tenant.\n"
    text += "".join(f"{name}={value}\n" for name, value in values.items())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def serve_tenant(
    data_dir: str | Path,
    host: str,
    port: int,
    *,
    bff_url: str = "http://localhost:8000",
    testing: bool = False,
    reset: bool = False,
    write_env: Path | None = None,
) -> None:
    """Serve the tenant on host:port until Ctrl-C (see the module's contract)."""
    from app.tenant import create_tenant_app, directory, reset_tenant

    base_url = f"http://{host}:{port}"
    app = create_tenant_app(data_dir, base_url, bff_url=bff_url, testing=testing)
    if reset:
        reset_tenant(app)
    server = make_server(host, port, app, threaded=True)
    print(f"local tenant: {base_url}  (issuer {base_url}/)")
    print(f"demo clients, registered for the BFF at {bff_url}:")
    for line in describe_clients(app):
        print(line)
    print(f"demo users: {directory.ALICE_EMAIL} / {directory.ALICE_PASSWORD},"
          f" {directory.BOB_EMAIL} / {directory.BOB_PASSWORD}")
    print(f"  alice's authenticator app (TOTP) secret: {directory.ALICE_TOTP_SECRET};"
          f" e-mail and SMS codes go to {base_url}/outbox")
    if write_env is not None:
        write_env_file(write_env, bff_env(app, bff_url))
        print(f"wrote {write_env}: the BFF's AUTH0_*, APP_SECRET_KEY and PUBLIC_URL")
    if testing:
        print("test hooks ON under /__test__/ (never on a shared machine)")
    print("Ctrl-C stops it", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
