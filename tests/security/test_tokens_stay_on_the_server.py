"""No token reaches the browser: every response a browser sees during sign-in, linking
and use of the account page (bodies, headers, cookies, redirect targets) is searched for
the tokens the BFF holds for the session and the pending link."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.support.login import sign_in
from tests.support.store import live_values
from tests.support.tenant import submit_form

PAGES = ["/", "/profile", "/bff/user", "/api/me", "/api/me/metadata", "/api/me/identities",
         "/api/me/enrollments", "/api/me/device-credentials", "/api/me/link",
         "/api/openapi.json", "/embed", "/embed/signed-in"]


def held_tokens(data_dir: Path) -> list[str]:
    """Every token-like string the BFF keeps in its store (grants, pending links)."""
    found = []
    for value in live_values(data_dir):
        if isinstance(value, dict):
            for key in ("access_token", "refresh_token", "id_token"):
                if isinstance(value.get(key), str) and len(value[key]) > 20:
                    found.append(value[key])
    return found


def seen_by_browser(responses: list[requests.Response]) -> str:
    parts = []
    for response in responses:
        for hop in [*response.history, response]:
            parts.append(hop.url)
            parts.extend(f"{k}: {v}" for k, v in hop.headers.items())
            # Bodies of the BFF only: the tenant's form_post page carries tokens by design.
            if hop.url.startswith("http://localhost"):
                parts.append(hop.text)
    return "\n".join(parts)


@pytest.mark.parametrize("flow", ["code", "implicit"])
def test_no_token_in_anything_the_browser_receives(make_bff, bff_env, bff_server, hooks, flow):
    make_bff(AUTH0_FLOW=flow, SESSION_TYPE="sqlite")  # the store's file is read below
    bff_url = bff_server.url
    responses: list[requests.Response] = []
    with requests.Session() as http:
        http.hooks["response"].append(lambda r, *a, **k: responses.append(r))
        sign_in(http, bff_url)
        page = http.get(f"{bff_url}/link/github", timeout=10)
        page = submit_form(http, page, allow_redirects=True, account="alice-gh")
        if flow == "implicit":
            page = submit_form(http, page, allow_redirects=True)
        assert page.url == bff_url + "/linked-accounts?pending=1"
        for path in PAGES:
            http.get(bff_url + path, headers={"Accept": "application/json"}, timeout=10)
        cookies = "\n".join(f"{c.name}={c.value}" for c in http.cookies)
        tokens = held_tokens(Path(bff_env["DATA_DIR"]))
        # The grant (access and, in the code flow, refresh token) and the pending link.
        assert len(tokens) >= (4 if flow == "code" else 3), len(tokens)
        seen = seen_by_browser(responses) + "\n" + cookies
        leaked = [t[:16] + "..." for t in tokens if t in seen]
        assert leaked == []
