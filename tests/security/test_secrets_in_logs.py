"""Nothing secret reaches the logs, even at DEBUG: not the tokens, the refresh token, the
PKCE verifier, the client secret, the app's secret key or the session cookie. The flows
run for real (sign-in, refresh, a refused callback, logout) with every logger at DEBUG."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import requests

from tests.support.login import sign_in
from tests.support.store import live_values

COOKIE = "selfserve-session"


def store_values(data_dir: Path) -> list[dict]:
    return [v for v in live_values(data_dir) if isinstance(v, dict)]


#: Loggers only the local tenant uses (it runs in this process): authlib's authorization
#: server logs clients and issued tokens at DEBUG, which is the tenant's matter.
TENANT_LOGGERS = ("app.tenant", "authlib.oauth2.rfc6749", "authlib.oidc.core")


def bff_records(caplog) -> str:
    return "\n".join(
        f"{r.name}: {r.getMessage()}" for r in caplog.records
        if not r.name.startswith(TENANT_LOGGERS)
    )


def test_no_secret_is_logged_at_debug(make_bff, bff_env, bff_server, hooks, caplog):
    caplog.set_level(logging.DEBUG)
    make_bff(SESSION_TYPE="sqlite")  # the store's file is read below
    bff_url = bff_server.url
    session_dir = Path(bff_env["DATA_DIR"])
    hooks.settings(access_token_ttl=4)
    secrets: dict[str, str] = {
        "client secret": bff_env["AUTH0_CLIENT_SECRET"],
        "app secret key": bff_env["APP_SECRET_KEY"],
    }
    with requests.Session() as http:
        http.get(bff_url + "/login", allow_redirects=False, timeout=10)
        verifiers = [v["code_verifier"] for v in store_values(session_dir)
                     if v.get("code_verifier")]
        assert verifiers
        secrets.update({f"PKCE verifier {i}": v for i, v in enumerate(verifiers)})
        sign_in(http, bff_url)
        grant = next(v for v in store_values(session_dir) if "refresh_token" in v)
        secrets["access token"] = grant["access_token"]
        secrets["refresh token"] = grant["refresh_token"]
        secrets["session cookie"] = http.cookies[COOKIE]
        time.sleep(2.2)  # within half of the token's lifetime of its expiry: refresh
        assert http.get(bff_url + "/api/me", timeout=10).status_code == 200
        grant = next(v for v in store_values(session_dir) if "refresh_token" in v)
        secrets["refreshed access token"] = grant["access_token"]
        secrets["rotated refresh token"] = grant["refresh_token"]
        hooks.tweak_tokens(id_token={"sign": "rogue"})
        with requests.Session() as other:
            other.get(bff_url + "/login", timeout=10)
        http.post(bff_url + "/logout", headers={"X-CSRF": "1", "Origin": bff_url},
                  allow_redirects=False, timeout=10)
    logged = bff_records(caplog)
    assert "refreshed" in logged  # the test saw the BFF's logs at all
    leaked = [name for name, value in secrets.items() if value and value in logged]
    assert leaked == [], [line[:120] for line in logged.splitlines()
                          if any(v and v in line for v in secrets.values())]
