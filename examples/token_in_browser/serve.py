"""The seed's way, for comparison: a page that keeps the tokens in the browser.

    selfserve tenant --bff-url http://localhost:8200
    python -m examples.token_in_browser.serve --tenant http://127.0.0.1:3001 --port 8200

serves http://localhost:8200/, where the demo single-page client (`selfserve-demo-spa`,
registered for the `--bff-url` root) signs in with the implicit `token id_token` flow
and reads the profile straight from the Management API, in the browser. selfserve
itself never does this: README.md ("Tokens in the browser, for comparison") says why.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from flask import Flask, abort, render_template, send_from_directory

HERE = Path(__file__).resolve().parent
CLIENT_ID = "selfserve-demo-spa"


def create_page_app(tenant_url: str) -> Flask:
    """The page's site; `tenant_url` is the tenant's URL (no trailing slash)."""
    site = Flask(__name__, template_folder=str(HERE), static_folder=None)

    @site.get("/")
    def index():
        return render_template("index.html", tenant_url=tenant_url.rstrip("/"),
                               client_id=CLIENT_ID)

    @site.get("/<name>")
    def asset(name: str):
        if name not in ("app.js", "page.css"):
            abort(404)
        return send_from_directory(HERE, name)

    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenant", default="http://127.0.0.1:3001", help="the tenant's URL")
    parser.add_argument("--port", type=int, default=8200)
    args = parser.parse_args()
    print(f"token-in-the-browser page on http://localhost:{args.port}/ (start the tenant"
          f" with --bff-url http://localhost:{args.port})")
    create_page_app(args.tenant).run(host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
