"""Behind a TLS-terminating reverse proxy no ProxyFix is needed: every absolute URL,
the cookie flags, HSTS and the CSRF origin come from PUBLIC_URL, never from the
request's scheme or Host (here gunicorn is reached over plain http on 127.0.0.1,
as a proxy would reach it, with no X-Forwarded-* headers at all)."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.deploy.conftest import Deployment, start_gunicorn

PUBLIC = "https://account.example.test"


@pytest.fixture(scope="module")
def proxied(tenant, tmp_path_factory):
    folder = tmp_path_factory.mktemp("proxied")
    env = {"AUTH0_DOMAIN": tenant.url, "AUTH0_CLIENT_ID": "selfserve-demo-bff",
           "AUTH0_CLIENT_SECRET": tenant.bff_client_secret,
           "APP_SECRET_KEY": secrets.token_urlsafe(48), "PUBLIC_URL": PUBLIC,
           "DATA_DIR": str(folder / "data")}
    server = start_gunicorn(Deployment(store="sqlite", workers=2), env, folder / "gunicorn")
    yield "http://127.0.0.1:" + server.url.rsplit(":", 1)[1]
    server.stop()


def test_sign_in_urls_and_cookies_follow_public_url(proxied):
    response = requests.get(proxied + "/login", allow_redirects=False, timeout=10)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["redirect_uri"] == [PUBLIC + "/callback"]
    binding = response.headers["Set-Cookie"]
    assert binding.startswith("__Host-selfserve-tx-") and "Secure" in binding
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_csrf_accepts_the_public_origin_only(proxied, tenant):
    def logout(origin: str) -> requests.Response:
        return requests.post(proxied + "/logout", allow_redirects=False, timeout=10,
                             headers={"X-CSRF": "1", "Origin": origin})

    assert logout("http://127.0.0.1").status_code == 403
    out = logout(PUBLIC)
    assert out.status_code == 303
    query = parse_qs(urlsplit(out.headers["Location"]).query)
    assert query["returnTo"] == [PUBLIC + "/"]
