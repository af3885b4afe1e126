"""Logout: /v2/logout and /oidc/logout, and back-channel logout tokens to the clients."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs

import jwt
import pytest

from app.tenant.directory import ALICE_ID
from tests.support.tenant import (
    TIMEOUT,
    authorize,
    authorize_and_sign_in,
    redirect_params,
    submit_form,
    verify_jwt,
)

BFF = "selfserve-demo-bff"
PUBLIC = "selfserve-demo-bff-public"
EVENT = "http://schemas.openid.net/event/backchannel-logout"


class LogoutReceiver:
    """A tiny WSGI app standing in for the BFF's /backchannel-logout."""

    def __init__(self) -> None:
        self.tokens: list[str] = []

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == "/backchannel-logout" and environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(size).decode())
            self.tokens.extend(form.get("logout_token", []))
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not here"]


def _unavailable(environ, start_response):
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"no BFF here"]


@pytest.fixture
def receiver(bff_server) -> Iterator[LogoutReceiver]:
    """The BFF's port answered by a logout receiver for the duration of a test."""
    app = LogoutReceiver()
    bff_server.swap(app)
    yield app
    bff_server.swap(_unavailable)


def signed_in_id_token(tenant, bff_server, agent, client_id=BFF):
    params = {"client_id": client_id, "response_type": "id_token",
              "redirect_uri": f"{bff_server.url}/callback", "scope": "openid",
              "nonce": "n", "state": "s"}
    got = redirect_params(authorize_and_sign_in(agent, tenant.url, **params))
    return got["id_token"]


def session_alive(tenant, bff_server, agent) -> bool:
    got = redirect_params(authorize(
        agent, tenant.url, client_id=BFF, response_type="id_token", prompt="none",
        redirect_uri=f"{bff_server.url}/callback", scope="openid", nonce="n2", state="s"))
    return "id_token" in got


def test_v2_logout_ends_the_session_and_tells_the_client(fresh, hooks, bff_server, agent,
                                                         receiver):
    id_token = signed_in_id_token(fresh, bff_server, agent)
    sid = verify_jwt(fresh.url, id_token, BFF)["sid"]
    answer = agent.get(f"{fresh.url}/v2/logout", allow_redirects=False, timeout=TIMEOUT,
                         params={"client_id": BFF, "returnTo": f"{bff_server.url}/"})
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{bff_server.url}/"
    assert not session_alive(fresh, bff_server, agent)

    (delivery,) = hooks.wait_for_deliveries(1)
    (token,) = receiver.tokens
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"]
    claims = verify_jwt(fresh.url, token, BFF)
    assert claims["events"] == {EVENT: {}}
    assert claims["sid"] == sid and claims["sub"] == ALICE_ID
    assert claims["exp"] - claims["iat"] == 120
    assert str(uuid.UUID(claims["jti"])) == claims["jti"] and "nonce" not in claims
    assert delivery == {
        "client_id": BFF, "uri": f"{bff_server.url}/backchannel-logout", "status": 200,
        "sid": sid, "sub": ALICE_ID, "jti": claims["jti"], "error": None, "attempts": 1}


def test_every_client_of_the_session_is_told(fresh, hooks, bff_server, agent, receiver):
    signed_in_id_token(fresh, bff_server, agent, client_id=BFF)
    # The same SSO session gives the public client tokens too, with no login page.
    got = redirect_params(authorize(
        agent, fresh.url, client_id=PUBLIC, response_type="id_token", nonce="n",
        redirect_uri=f"{bff_server.url}/callback", scope="openid", state="s"))
    assert "id_token" in got
    agent.get(f"{fresh.url}/v2/logout", timeout=TIMEOUT, allow_redirects=False)
    hooks.wait_for_deliveries(2)
    audiences = sorted(jwt.decode(t, options={"verify_signature": False})["aud"]
                       for t in receiver.tokens)
    assert audiences == [BFF, PUBLIC]


def test_v2_logout_without_client_or_return_to_shows_a_page(fresh, bff_server, agent,
                                                             receiver):
    signed_in_id_token(fresh, bff_server, agent)
    answer = agent.get(f"{fresh.url}/v2/logout", allow_redirects=False, timeout=TIMEOUT)
    assert answer.status_code == 200 and "signed out" in answer.text
    assert not session_alive(fresh, bff_server, agent)


@pytest.mark.parametrize("query", [
    {"client_id": BFF, "returnTo": "http://evil.example/"},
    {"client_id": BFF, "returnTo": "{bff}/callback"},
    {"returnTo": "{bff}/"},
    {"client_id": "nope", "returnTo": "{bff}/"},
])
def test_v2_logout_refuses_return_urls_not_allowed(fresh, hooks, bff_server, agent, query):
    signed_in_id_token(fresh, bff_server, agent)
    params = {k: v.format(bff=bff_server.url) for k, v in query.items()}
    answer = agent.get(f"{fresh.url}/v2/logout", params=params, allow_redirects=False,
                         timeout=TIMEOUT)
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert session_alive(fresh, bff_server, agent)
    assert hooks.backchannel_deliveries() == []


def test_oidc_logout(fresh, hooks, bff_server, agent, receiver):
    id_token = signed_in_id_token(fresh, bff_server, agent)
    sid = verify_jwt(fresh.url, id_token, BFF)["sid"]
    answer = agent.get(f"{fresh.url}/oidc/logout", allow_redirects=False, timeout=TIMEOUT,
                         params={"id_token_hint": id_token, "logout_hint": sid,
                                 "post_logout_redirect_uri": f"{bff_server.url}/",
                                 "state": "bye"})
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{bff_server.url}/?state=bye"
    assert not session_alive(fresh, bff_server, agent)
    hooks.wait_for_deliveries(1)
    assert len(receiver.tokens) == 1


def test_oidc_logout_refuses_bad_hints_and_urls(fresh, hooks, bff_server, agent):
    id_token = signed_in_id_token(fresh, bff_server, agent)
    rogue = hooks.mint(jwt.decode(id_token, options={"verify_signature": False}), sign="rogue")
    for params in ({"id_token_hint": rogue, "post_logout_redirect_uri": f"{bff_server.url}/"},
                   {"id_token_hint": id_token, "post_logout_redirect_uri": "http://evil/"},
                   {"post_logout_redirect_uri": f"{bff_server.url}/"}):
        answer = agent.get(f"{fresh.url}/oidc/logout", params=params, allow_redirects=False,
                             timeout=TIMEOUT)
        assert answer.status_code == 400, params
    assert session_alive(fresh, bff_server, agent)


def test_oidc_logout_with_client_id_only_asks_the_user(fresh, bff_server, agent):
    signed_in_id_token(fresh, bff_server, agent)
    answer = agent.get(f"{fresh.url}/oidc/logout", allow_redirects=False, timeout=TIMEOUT,
                         params={"client_id": BFF, "state": "bye",
                                 "post_logout_redirect_uri": f"{bff_server.url}/"})
    assert answer.status_code == 200 and "Sign out?" in answer.text
    assert session_alive(fresh, bff_server, agent)
    confirmed = submit_form(agent, answer)
    assert confirmed.headers["Location"] == f"{bff_server.url}/?state=bye"
    assert not session_alive(fresh, bff_server, agent)


def test_a_forged_confirmation_logs_nobody_out(fresh, bff_server, agent):
    signed_in_id_token(fresh, bff_server, agent)
    answer = agent.post(f"{fresh.url}/oidc/logout", allow_redirects=False, timeout=TIMEOUT,
                          data={"client_id": BFF, "confirmation": "forged"})
    assert answer.status_code == 200 and "Sign out?" in answer.text
    assert session_alive(fresh, bff_server, agent)


def test_a_failed_delivery_is_recorded(fresh, hooks, bff_server, agent):
    signed_in_id_token(fresh, bff_server, agent)
    bff_server.swap(_unavailable)
    agent.get(f"{fresh.url}/v2/logout", timeout=TIMEOUT, allow_redirects=False)
    (delivery,) = hooks.wait_for_deliveries(1)
    assert delivery["status"] == 503
    assert delivery["attempts"] == 3  # a 5xx is tried again, twice


def test_logout_token_tweak(fresh, hooks, bff_server, agent, receiver):
    signed_in_id_token(fresh, bff_server, agent)
    hooks.tweak_tokens(logout_token={"set": {"nonce": "bad"}, "sign": "none"})
    agent.get(f"{fresh.url}/v2/logout", timeout=TIMEOUT, allow_redirects=False)
    hooks.wait_for_deliveries(1)
    (token,) = receiver.tokens
    assert jwt.get_unverified_header(token)["alg"] == "none"
    assert jwt.decode(token, options={"verify_signature": False})["nonce"] == "bad"
