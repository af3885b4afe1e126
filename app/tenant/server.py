"""Run the local tenant alone with werkzeug's threaded server (demo and manual tests)."""

from __future__ import annotations

from pathlib import Path

from werkzeug.serving import make_server


def serve_tenant(
    data_dir: str | Path,
    host: str,
    port: int,
    *,
    bff_url: str = "http://localhost:8000",
    testing: bool = False,
    reset: bool = False,
) -> None:
    """Serve the tenant on host:port until Ctrl-C; prints its URL and the demo credentials."""
    from app.tenant import create_tenant_app, directory, reset_tenant
    from app.tenant.clients import DEMO_BFF_CLIENT_ID, DEMO_BFF_PUBLIC_CLIENT_ID, DEMO_SPA_CLIENT_ID

    base_url = f"http://{host}:{port}"
    app = create_tenant_app(data_dir, base_url, bff_url=bff_url, testing=testing)
    if reset:
        reset_tenant(app)
    server = make_server(host, port, app, threaded=True)
    print(f"local tenant: {base_url}  (issuer {base_url}/)")
    # A BFF started by hand against this tenant needs the secret as AUTH0_CLIENT_SECRET;
    # it is a local demo client's, generated for this data folder.
    print(f"  confidential client {DEMO_BFF_CLIENT_ID}, secret"
          f" {app.config['DEMO_BFF_CLIENT_SECRET']}")
    print(f"  public clients (PKCE): {DEMO_BFF_PUBLIC_CLIENT_ID}, {DEMO_SPA_CLIENT_ID}")
    print(f"  demo users: {directory.ALICE_EMAIL} / {directory.ALICE_PASSWORD},"
          f" {directory.BOB_EMAIL} / {directory.BOB_PASSWORD}")
    print(f"  alice's authenticator app (TOTP) secret: {directory.ALICE_TOTP_SECRET};"
          f" e-mail and SMS codes go to {base_url}/outbox")
    if testing:
        print("  test hooks ON under /__test__/ (never on a shared machine)")
    print("  Ctrl-C stops it", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
