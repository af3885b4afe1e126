"""The `selfserve` command: `demo`, `tenant`, `rotate-keys`, `check`.

`demo` and `tenant` serve with werkzeug's threaded server, which is enough for a
demo on loopback; production runs the BFF under gunicorn (`app:create_app()`).
"""

from __future__ import annotations

import argparse
import secrets
import sys
import threading
from pathlib import Path

from werkzeug.serving import make_server

DEFAULT_DATA = Path("var") / "demo"


def _serve_forever(servers: list) -> None:
    """Serve every server in its own thread until Ctrl-C, then shut all of them down."""
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


#: What the demo's banner says about `--flow`.
FLOW_NAMES = {
    "code": "code (authorization code, confidential client)",
    "implicit": "implicit (token id_token, form_post)",
}


def _demo_secret_key(data_dir: Path) -> str:
    """The demo BFF's APP_SECRET_KEY, made once per data folder so sessions survive restarts."""
    path = data_dir / "bff-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _print_credentials() -> None:
    from app.tenant import directory

    print("  demo users:")
    print(f"    {directory.ALICE_EMAIL} / {directory.ALICE_PASSWORD}")
    print("      then the code of her authenticator app: add the TOTP secret"
          f" {directory.ALICE_TOTP_SECRET} to one (or: oathtool --totp -b SECRET)")
    print(f"    {directory.BOB_EMAIL} / {directory.BOB_PASSWORD}")


def cmd_demo(args: argparse.Namespace) -> int:
    from app import create_app
    from app.tenant import create_tenant_app
    from app.tenant.server import bff_env as tenant_bff_env

    data_dir = Path(args.data).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    tenant_url = f"http://127.0.0.1:{args.tenant_port}"
    bff_url = f"http://localhost:{args.port}"

    tenant_app = create_tenant_app(data_dir=data_dir, base_url=tenant_url, bff_url=bff_url)
    bff_env = {
        **tenant_bff_env(tenant_app, bff_url),
        "APP_SECRET_KEY": _demo_secret_key(data_dir),
        "SESSION_TYPE": "sqlite",
        "DATA_DIR": str(data_dir),
        "AUTH0_FLOW": args.flow,
    }
    bff_app = create_app(bff_env)
    # On a busy port werkzeug prints which one and exits with status 1.
    servers = [
        make_server("127.0.0.1", args.tenant_port, tenant_app, threaded=True),
        make_server("127.0.0.1", args.port, bff_app, threaded=True),
    ]
    print("selfserve demo")
    print(f"  account page (BFF): {bff_url}")
    print(f"  local tenant:       {tenant_url}")
    print(f"  sign-in flow:       {FLOW_NAMES[args.flow]}")
    _print_credentials()
    print(f"  data folder: {data_dir}    (Ctrl-C stops both)", flush=True)
    _serve_forever(servers)
    return 0


def cmd_tenant(args: argparse.Namespace) -> int:
    from app.tenant.server import serve_tenant

    write_env = Path(args.write_env).resolve() if args.write_env else None
    serve_tenant(Path(args.data).resolve(), args.host, args.port, bff_url=args.bff_url,
                 testing=args.testing, reset=args.reset, write_env=write_env)
    return 0


def cmd_rotate_keys(args: argparse.Namespace) -> int:
    from app.tenant.keys import KeyRing

    kid = KeyRing(Path(args.data).resolve() / "keys").rotate()
    print(f"new signing key {kid} published beside the old one; restart a running tenant")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from app.check import run_checks
    from app.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"FAIL configuration: {error}")
        return 1
    failed = 0
    for result in run_checks(settings):
        print(result.line())
        failed += result.status == "FAIL"
    print(f"\n{'all checks passed' if not failed else f'{failed} check(s) failed'}")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="selfserve", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="start the local tenant and the BFF with demo users")
    demo.add_argument("--port", type=int, default=8000, help="the BFF's port (default 8000)")
    demo.add_argument("--tenant-port", type=int, default=3001, help="the tenant's port")
    demo.add_argument("--data", default=str(DEFAULT_DATA), help="folder for the demo's data")
    demo.add_argument("--flow", choices=("code", "implicit"), default="code")
    demo.set_defaults(func=cmd_demo)

    tenant = sub.add_parser("tenant", help="start the local Auth0-compatible tenant alone")
    tenant.add_argument("--host", default="127.0.0.1")
    tenant.add_argument("--port", type=int, default=3001)
    tenant.add_argument("--data", default=str(DEFAULT_DATA))
    tenant.add_argument("--bff-url", default="http://localhost:8000",
                        help="the BFF URL the demo clients' callbacks point at")
    tenant.add_argument("--reset", action="store_true", help="restore the demo data first")
    tenant.add_argument("--write-env", metavar="PATH",
                        help="write a .env for a BFF at --bff-url (client, secret, URLs)")
    tenant.add_argument("--testing", action="store_true",
                        help="enable the /__test__ hooks (never on a shared machine)")
    tenant.set_defaults(func=cmd_tenant)

    rotate = sub.add_parser("rotate-keys", help="publish a new tenant signing key and use it")
    rotate.add_argument("--data", default=str(DEFAULT_DATA))
    rotate.set_defaults(func=cmd_rotate_keys)

    check = sub.add_parser("check", help="check the configuration against its tenant")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
