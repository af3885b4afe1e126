"""A small host site for the two browser-side ways of embedding the account page.

    python examples/host_site.py --bff http://localhost:8000 --port 8100

serves http://localhost:8100/custom-element/ (the `<selfserve-account>` element)
and http://localhost:8100/iframe/ (the iframe page). Start the BFF with
`EMBED_ALLOWED_ORIGINS=http://localhost:8100` so that it lets this site in.
The site is "localhost", the same site as a BFF on http://localhost:8000, so the
BFF's SameSite=Lax session cookie travels with its requests (see docs/embedding.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from flask import Flask, abort, render_template, send_from_directory

HERE = Path(__file__).resolve().parent
PAGES = {"custom-element": "custom_element", "iframe": "iframe"}


def create_host_app(bff_url: str) -> Flask:
    """The host site; `bff_url` is where the account service runs (no trailing slash)."""
    site = Flask(__name__, template_folder=str(HERE), static_folder=None)
    bff_url = bff_url.rstrip("/")

    @site.get("/")
    def index():
        return render_template("index.html")

    @site.get("/<page>/")
    def page(page: str):
        if page not in PAGES:
            abort(404)
        return render_template(f"{PAGES[page]}/index.html", bff_url=bff_url)

    @site.get("/<page>/<path:name>")
    def asset(page: str, name: str):
        if page not in PAGES or name.endswith(".html"):
            abort(404)
        return send_from_directory(HERE / PAGES[page], name)

    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bff", default="http://localhost:8000", help="the account service's URL")
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    print(f"host site on http://localhost:{args.port}/ (allow it: "
          f"EMBED_ALLOWED_ORIGINS=http://localhost:{args.port})")
    create_host_app(args.bff).run(host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
