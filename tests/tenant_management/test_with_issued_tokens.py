"""The Management API with tokens the tenant really issues: code flow, then link and unlink
a social account signed in through its stand-in page, as the BFF does it."""

from __future__ import annotations

from urllib.parse import urljoin

import requests

from app.tenant.directory import ALICE_ID
from tests.support.tenant import (
    TIMEOUT,
    authorize,
    authorize_and_sign_in,
    follow_to,
    redirect_params,
    submit_form,
)
from tests.tenant_management.support import BFF_CLIENT_ID, user_path

SCOPE = "openid profile email read:current_user update:current_user_identities"


def code_flow_tokens(tenant, bff_server, session, connection=None, account=None):
    """Run the code flow for the demo BFF; returns the token response."""
    params = {
        "client_id": BFF_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": f"{bff_server.url}/callback",
        "scope": SCOPE,
        "audience": tenant.audience,
        "state": "s",
        "nonce": "n",
    }
    if connection is None:
        answer = authorize_and_sign_in(session, tenant.url, **params)
    else:
        start = authorize(session, tenant.url, connection=connection, **params)
        page = session.get(urljoin(start.url, start.headers["Location"]), timeout=TIMEOUT)
        answer = follow_to(session, submit_form(session, page, account=account),
                           params["redirect_uri"])
    code = redirect_params(answer)["code"]
    tokens = requests.post(f"{tenant.url}/oauth/token", timeout=TIMEOUT, data={
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": params["redirect_uri"], "client_id": BFF_CLIENT_ID,
        "client_secret": tenant.bff_client_secret,
    })
    tokens.raise_for_status()
    return tokens.json()


def test_link_and_unlink_with_issued_tokens(mgmt, tenant, bff_server):
    with requests.Session() as alice_browser, requests.Session() as github_browser:
        alice = code_flow_tokens(tenant, bff_server, alice_browser)
        github = code_flow_tokens(tenant, bff_server, github_browser, "github", "alice-gh")

    me = mgmt.call("GET", user_path(ALICE_ID), alice["access_token"])
    assert me.status_code == 200
    assert me.json()["user_id"] == ALICE_ID

    linked = mgmt.call("POST", user_path(ALICE_ID, "/identities"), alice["access_token"],
                      json={"link_with": github["id_token"]})
    assert linked.status_code == 201, linked.text
    assert [identity["provider"] for identity in linked.json()] == ["auth0", "github"]

    # The ID token of the secondary cannot stand in for an access token.
    assert mgmt.call("GET", user_path(ALICE_ID), github["id_token"]).status_code == 401

    unlinked = mgmt.call("DELETE", user_path(ALICE_ID, "/identities/github/1000001"),
                        alice["access_token"])
    assert unlinked.status_code == 200
    assert [identity["provider"] for identity in unlinked.json()] == ["auth0"]
