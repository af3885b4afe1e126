"""Linking another identity: a second, fresh sign-in whose ID token waits as the pending link."""

from __future__ import annotations

import html
import re
import sqlite3
import time
from urllib.parse import urljoin

import pytest
import requests

from app.tenant.directory.demo import ALICE_ID, BOB_ID
from tests.support.backchannel import logout_claims
from tests.support.login import sign_in
from tests.support.tenant import ALICE, BOB, submit_form

API_HEADERS = {"Accept": "application/json"}


def start_link(http: requests.Session, bff_url: str, connection: str) -> requests.Response:
    """GET /link/<connection> and pick the stand-in account alice-gh on the tenant's page."""
    page = http.get(f"{bff_url}/link/{connection}", timeout=10)
    assert page.status_code == 200, page.text[:300]
    return submit_form(http, page, allow_redirects=True, account="alice-gh")


@pytest.mark.parametrize("flow", ["code", "implicit"])
def test_linking_github_leaves_a_pending_link_and_keeps_the_session(make_bff, bff_server,
                                                                    hooks, flow):
    make_bff(AUTH0_FLOW=flow)
    bff_url = bff_server.url
    with requests.Session() as http:
        sign_in(http, bff_url)
        primary = http.get(bff_url + "/bff/user", timeout=10).json()["user"]
        page = start_link(http, bff_url, "github")
        if flow == "implicit":  # the tenant's form_post page, submitted as its script would
            page = submit_form(http, page, allow_redirects=True)
        assert page.url == bff_url + "/linked-accounts?pending=1"
        after = http.get(bff_url + "/bff/user", timeout=10).json()["user"]
        assert after == primary
        pending = http.get(bff_url + "/api/me/link", headers=API_HEADERS, timeout=10)
        assert pending.status_code == 200, pending.text
        assert "github" in pending.text


def test_linking_needs_a_signed_in_session(bff, http):
    response = http.get(http.bff_url + "/link/github", allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?returnTo=/link/github"


def test_an_unknown_connection_is_a_clear_400(signed_in):
    response = signed_in.get(signed_in.bff_url + "/link/myspace", timeout=10)
    assert response.status_code == 400
    assert "cannot be linked" in response.text


def test_a_stale_authentication_is_not_linked(signed_in, hooks):
    """max_age=0: the secondary ID token's auth_time must be fresh."""
    hooks.tweak_tokens(id_token={"set": {"auth_time": int(time.time()) - 3600}})
    page = start_link(signed_in, signed_in.bff_url, "github")
    assert page.status_code == 400
    assert "max_age" in page.text
    assert signed_in.get(signed_in.bff_url + "/bff/user", timeout=10).status_code == 200
    pending = signed_in.get(signed_in.bff_url + "/api/me/link", headers=API_HEADERS, timeout=10)
    assert pending.status_code == 404


def test_a_link_response_at_the_login_callback_is_refused(signed_in):
    page = signed_in.get(signed_in.bff_url + "/link/github", timeout=10)
    answer = submit_form(signed_in, page, account="alice-gh")
    location = urljoin(answer.url, answer.headers["Location"])
    while "/link/callback" not in location:
        answer = signed_in.get(location, allow_redirects=False, timeout=10)
        location = urljoin(answer.url, answer.headers["Location"])
    wrong = signed_in.get(location.replace("/link/callback", "/callback"), timeout=10)
    assert wrong.status_code == 400
    assert "wrong callback" in wrong.text


def newest_tenant_session(tenant, connection: str) -> tuple[str, str]:
    """(sid, user id) of the tenant's newest SSO session on `connection` (as an observer)."""
    with sqlite3.connect(tenant.data_dir / "tenant.sqlite3") as conn:
        return conn.execute(
            "SELECT sid, user_id FROM sso_sessions WHERE connection = ?"
            " ORDER BY created_at DESC, rowid DESC LIMIT 1", (connection,)).fetchone()


@pytest.mark.parametrize("how", ["logout at the tenant", "logout token for the link's sid"])
def test_after_a_link_attempt_a_tenant_logout_still_ends_the_bff_session(
    make_bff, bff_server, hooks, tenant, how, store_env
):
    """The link step's fresh sign-in replaces the browser's tenant session; a logout of
    that one must end the BFF session built on the first (issue 8, item 2), on each store."""
    make_bff(**store_env)
    bff_url = bff_server.url
    with requests.Session() as http:
        sign_in(http, bff_url)
        page = start_link(http, bff_url, "github")
        assert page.url == bff_url + "/linked-accounts?pending=1"
        assert http.get(bff_url + "/bff/user", timeout=10).status_code == 200
        link_sid, link_user = newest_tenant_session(tenant, "github")

        if how == "logout at the tenant":
            http.get(tenant.url + "/v2/logout", timeout=10, allow_redirects=False,
                     params={"client_id": "selfserve-demo-bff", "returnTo": bff_url + "/"})
            # Auth0 delivers back-channel logout from a queue, shortly after the logout.
            deliveries = hooks.wait_for_deliveries(uri=bff_url + "/backchannel-logout")
            assert [(d["sid"], d["status"]) for d in deliveries] == [(link_sid, 200)]
        else:
            token = hooks.mint(logout_claims(tenant, sub=link_user, sid=link_sid))
            answer = requests.post(bff_url + "/backchannel-logout",
                                   data={"logout_token": token}, timeout=10)
            assert answer.status_code == 200, answer.text

        assert http.get(bff_url + "/bff/user", timeout=10).status_code == 401


def test_a_logout_token_for_the_link_sid_but_another_user_ends_nothing(
    make_bff, bff_server, hooks, tenant
):
    make_bff()
    bff_url = bff_server.url
    with requests.Session() as http:
        sign_in(http, bff_url)
        start_link(http, bff_url, "github")
        link_sid, _ = newest_tenant_session(tenant, "github")
        token = hooks.mint(logout_claims(tenant, sub="auth0|someone-else", sid=link_sid))
        answer = requests.post(bff_url + "/backchannel-logout", data={"logout_token": token},
                               timeout=10)
        assert answer.status_code == 200
        assert http.get(bff_url + "/bff/user", timeout=10).status_code == 200


def back_to_the_login_page(http: requests.Session, stand_in: requests.Response):
    """The social stand-in's "Back to the login page" link, followed."""
    match = re.search(r'<a href="([^"]+)">Back to the login page</a>', stand_in.text)
    assert match, stand_in.text[:500]
    page = http.get(urljoin(stand_in.url, html.unescape(match.group(1))), timeout=10)
    assert page.status_code == 200 and "password" in page.text, page.text[:300]
    return page


def sign_in_instead_with_a_password(http, bff_url, connection, user) -> requests.Response:
    """Start linking `connection`, but sign in on the tenant's database form as `user`."""
    stand_in = http.get(f"{bff_url}/link/{connection}", timeout=10)
    assert stand_in.status_code == 200, stand_in.text[:300]
    page = back_to_the_login_page(http, stand_in)
    return submit_form(http, page, allow_redirects=True, username=user[0], password=user[1])


def assert_nothing_pending(http, bff_url, email):
    user = http.get(bff_url + "/bff/user", timeout=10)
    assert user.status_code == 200 and user.json()["user"]["email"] == email
    pending = http.get(bff_url + "/api/me/link", headers=API_HEADERS, timeout=10)
    assert pending.status_code == 404, pending.text


@pytest.mark.parametrize("flow", ["code", "implicit"])
def test_a_password_account_is_not_linked_as_github(make_bff, bff_server, hooks, flow):
    """§4.2: the stand-in offers a way back to the login page; whatever account comes
    back must be one of the connection the user chose, or nothing is linked."""
    make_bff(AUTH0_FLOW=flow)
    bff_url = bff_server.url
    with requests.Session() as http:
        sign_in(http, bff_url)
        bob_before = hooks.user(BOB_ID)["identities"]
        answer = sign_in_instead_with_a_password(http, bff_url, "github", BOB)
        if flow == "implicit":
            answer = submit_form(http, answer, allow_redirects=True)
        assert answer.url.startswith(bff_url + "/link/callback"), answer.url
        assert answer.status_code == 400
        assert "<code>link_wrong_connection</code>" in answer.text
        assert "sign in with github" in answer.text
        assert_nothing_pending(http, bff_url, ALICE[0])
        assert hooks.user(BOB_ID)["identities"] == bob_before
        assert [i["provider"] for i in hooks.user(ALICE_ID)["identities"]] == ["auth0"]


def test_the_primary_account_itself_is_not_offered_for_linking(bff, bff_server, hooks):
    """Bob starts a GitHub link and signs in as bob again: "that is this account"."""
    bff_url = bff_server.url
    with requests.Session() as http:
        sign_in(http, bff_url, *BOB)
        answer = sign_in_instead_with_a_password(http, bff_url, "github", BOB)
        assert answer.status_code == 400
        assert "<code>link_same_account</code>" in answer.text
        assert_nothing_pending(http, bff_url, BOB[0])


def test_linking_the_database_connection_to_itself_is_refused(bff, bff_server, hooks):
    bff_url = bff_server.url
    with requests.Session() as http:
        sign_in(http, bff_url, *BOB)
        page = http.get(f"{bff_url}/link/Username-Password-Authentication", timeout=10)
        answer = submit_form(http, page, allow_redirects=True, username=BOB[0],
                             password=BOB[1])
        assert answer.status_code == 400
        assert "<code>link_same_account</code>" in answer.text
        assert_nothing_pending(http, bff_url, BOB[0])
