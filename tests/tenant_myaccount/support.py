"""Helpers of the My Account tests: real tokens for `{issuer}me/` from the tenant's own
/authorize and /oauth/token (the confidential demo BFF client), and a small client of
`/me/v1`, all over real HTTP to the tenant on loopback."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pyotp
import requests

from app.tenant.directory import ALICE_TOTP_SECRET
from app.tenant.oauth.scopes import MY_ACCOUNT_SCOPES
from tests.support.tenant import (
    ALICE,
    BOB,
    TIMEOUT,
    authorize_and_sign_in,
    pkce_pair,
    redirect_params,
)

BFF = "selfserve-demo-bff"
ME_SCOPE = " ".join(("openid", "offline_access", *MY_ACCOUNT_SCOPES))


def sign_in_for_tokens(tenant, bff_url: str, *, user=BOB, audience: str | None = None,
                       scope: str = ME_SCOPE, totp_secret: str = ALICE_TOTP_SECRET,
                       session: requests.Session | None = None) -> dict[str, Any]:
    """A whole code flow at the tenant (login, second factor if asked); the token response."""
    http = session or requests.Session()
    verifier, challenge = pkce_pair()
    answer = authorize_and_sign_in(
        http, tenant.url, user, client_id=BFF, response_type="code",
        redirect_uri=bff_url + "/callback", scope=scope,
        audience=audience or tenant.issuer + "me/", state="st", code_challenge=challenge,
        code_challenge_method="S256", totp_secret=totp_secret,
    )
    params = redirect_params(answer)
    assert "code" in params, params
    response = http.post(tenant.url + "/oauth/token", data={
        "grant_type": "authorization_code", "code": params["code"], "code_verifier": verifier,
        "redirect_uri": bff_url + "/callback", "client_id": BFF,
        "client_secret": tenant.bff_client_secret,
    }, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def refresh(tenant, refresh_token: str, **extra: str) -> requests.Response:
    return requests.post(tenant.url + "/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": BFF,
        "client_secret": tenant.bff_client_secret, **extra,
    }, timeout=TIMEOUT)


class MyAccount:
    """`/me/v1` of one tenant with one access token."""

    def __init__(self, tenant, token: str | None, http: requests.Session | None = None):
        self.tenant, self.token = tenant, token
        self.http = http or requests.Session()

    def url(self, path: str) -> str:
        return self.tenant.url + "/me/v1" + path

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.token is not None:
            headers["Authorization"] = "Bearer " + self.token
        return self.http.request(method, self.url(path), headers=headers, timeout=TIMEOUT,
                                 **kwargs)

    def method_path(self, method_id: str, suffix: str = "") -> str:
        return "/authentication-methods/" + quote(method_id, safe="") + suffix

    def start(self, **body: Any) -> requests.Response:
        return self.call("POST", "/authentication-methods", json=body)

    def verify(self, method_id: str, **body: Any) -> requests.Response:
        return self.call("POST", self.method_path(method_id, "/verify"), json=body)

    def methods(self) -> list[dict[str, Any]]:
        response = self.call("GET", "/authentication-methods")
        assert response.status_code == 200, response.text
        return response.json()["authentication_methods"]

    def enroll_totp(self) -> tuple[str, str]:
        """(method id, TOTP secret) of a new, verified authenticator."""
        started = self.start(type="totp")
        assert started.status_code == 202, started.text
        body = started.json()
        verified = self.verify(body["id"], auth_session=body["auth_session"],
                               otp_code=pyotp.TOTP(body["manual_input_code"]).now())
        assert verified.status_code == 201, verified.text
        return body["id"], body["manual_input_code"]


def outbox_code(tenant, to: str) -> str:
    """The 6-digit code of the latest outbox message to `to`."""
    messages = requests.get(tenant.url + "/outbox/messages", params={"to": to},
                            timeout=TIMEOUT).json()
    assert messages, f"no message to {to} in the outbox"
    return messages[0]["text"].rsplit(" ", 1)[-1]


def enrollments(api, user_id: str, token: str) -> list[dict[str, Any]]:
    """The Management API's self-service enrollments read."""
    response = api.call("GET", "/users/" + quote(user_id, safe="") + "/enrollments", token)
    assert response.status_code == 200, response.text
    return response.json()


def problem(response: requests.Response) -> dict[str, Any]:
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    return json.loads(response.text)


__all__ = ["ALICE", "BOB", "MyAccount", "enrollments", "outbox_code", "problem", "refresh",
           "sign_in_for_tokens"]
