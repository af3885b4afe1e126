"""An existing Flask site that mounts the account service under /account.

    AUTH0_DOMAIN=... AUTH0_CLIENT_ID=... AUTH0_CLIENT_SECRET=... APP_SECRET_KEY=... \
    PUBLIC_URL=http://localhost:8200 flask --app examples/flask_mount/host.py run --port 8200

Register `http://localhost:8200/account/callback` and `.../account/link/callback`
as callbacks of the application in the tenant.
"""

from __future__ import annotations

from flask import Flask, render_template_string

from app.extension import SelfServe

HOME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Example Co</title></head>
<body>
  <h1>Example Co</h1>
  <p><a href="{{ selfserve_url('profile') }}">Your account</a> ·
     <a href="{{ selfserve_url('security') }}">Security settings</a></p>
</body></html>"""


def create_app(env: dict[str, str] | None = None) -> Flask:
    """The host site's factory: its own pages, plus the account service under /account."""
    site = Flask(__name__)

    @site.get("/")
    def home():
        return render_template_string(HOME)

    # Everything under /account is the account service, with its own settings
    # (read from the environment, or from `env`), sessions and error pages.
    SelfServe(site, url_prefix="/account", env=env)
    return site

