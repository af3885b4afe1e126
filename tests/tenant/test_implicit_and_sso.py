"""Implicit flow (id_token, token id_token), SSO session behaviour: prompt, max_age,
connection, social stand-ins."""

from __future__ import annotations

import base64
import hashlib
import time

import pytest

from app.tenant.directory import ALICE_ID
from tests.support.tenant import (
    TIMEOUT,
    authorize,
    authorize_and_sign_in,
    form_post_params,
    parse_forms,
    redirect_params,
    submit_form,
    verify_jwt,
)

BFF = "selfserve-demo-bff"
SPA = "selfserve-demo-spa"


def implicit_params(tenant, bff_server, **overrides):
    params = {
        "client_id": BFF,
        "response_type": "token id_token",
        "redirect_uri": f"{bff_server.url}/callback",
        "scope": "openid profile email read:current_user",
        "audience": tenant.audience,
        "state": "st-1",
        "nonce": "n-1",
        "response_mode": "form_post",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def expected_at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def test_token_id_token_form_post(fresh, bff_server, agent):
    params = implicit_params(fresh, bff_server)
    answer = authorize_and_sign_in(agent, fresh.url, **params)
    assert answer.status_code == 200
    action, got = form_post_params(answer)
    assert action == params["redirect_uri"]
    assert got["state"] == "st-1"
    assert got["token_type"] == "Bearer" and "refresh_token" not in got
    access = verify_jwt(fresh.url, got["access_token"], fresh.audience)
    assert access["scope"] == "openid profile email read:current_user"
    claims = verify_jwt(fresh.url, got["id_token"], BFF)
    assert claims["nonce"] == "n-1"
    assert claims["at_hash"] == expected_at_hash(got["access_token"])
    assert claims["sub"] == ALICE_ID


def test_token_id_token_fragment_for_a_spa(fresh, bff_server, agent):
    params = implicit_params(fresh, bff_server, client_id=SPA, response_mode=None,
                             redirect_uri=f"{bff_server.url}/")
    answer = authorize_and_sign_in(agent, fresh.url, **params)
    assert answer.headers["Location"].startswith(f"{bff_server.url}/#")
    got = redirect_params(answer)
    assert verify_jwt(fresh.url, got["id_token"], SPA)["at_hash"] == expected_at_hash(
        got["access_token"])


def test_id_token_only(fresh, bff_server, agent):
    params = implicit_params(fresh, bff_server, response_type="id_token", audience=None,
                             scope="openid profile email")
    _, got = form_post_params(authorize_and_sign_in(agent, fresh.url, **params))
    assert "access_token" not in got
    claims = verify_jwt(fresh.url, got["id_token"], BFF)
    assert "at_hash" not in claims and claims["nonce"] == "n-1"


def test_implicit_needs_a_nonce(fresh, bff_server, agent):
    answer = authorize(agent, fresh.url, **implicit_params(fresh, bff_server, nonce=None,
                                                             response_mode=None))
    assert answer.status_code == 302
    assert "#" in answer.headers["Location"]
    got = redirect_params(answer)
    assert got["error"] == "invalid_request" and "nonce" in got["error_description"]


def test_implicit_refuses_query_mode(fresh, bff_server, agent):
    got = redirect_params(authorize(agent, fresh.url, **implicit_params(
        fresh, bff_server, response_mode="query")))
    assert got["error"] == "invalid_request"


def test_implicit_errors_in_form_post_are_posted(fresh, bff_server, agent):
    answer = authorize(agent, fresh.url, **implicit_params(fresh, bff_server, nonce=None))
    assert answer.status_code == 200
    _, got = form_post_params(answer)
    assert got["error"] == "invalid_request" and got["state"] == "st-1"


def test_prompt_none_without_session_answers_login_required(fresh, bff_server, agent):
    params = implicit_params(fresh, bff_server, prompt="none", response_mode=None)
    got = redirect_params(authorize(agent, fresh.url, **params))
    assert got == {"error": "login_required", "error_description": got["error_description"],
                   "state": "st-1"}
    code = redirect_params(authorize(agent, fresh.url, client_id=BFF, response_type="code",
                                     redirect_uri=f"{bff_server.url}/callback", prompt="none",
                                     scope="read:current_user", audience=fresh.audience,
                                     state="s"))
    assert code["error"] == "login_required" and code["state"] == "s"


def test_prompt_none_with_session_answers_silently(fresh, bff_server, agent):
    params = implicit_params(fresh, bff_server, response_mode=None)
    first = redirect_params(authorize_and_sign_in(agent, fresh.url, **params))
    again = authorize(agent, fresh.url, **{**params, "prompt": "none", "nonce": "n-2"})
    got = redirect_params(again)
    claims = verify_jwt(fresh.url, got["id_token"], BFF)
    assert claims["nonce"] == "n-2"
    assert claims["sid"] == verify_jwt(fresh.url, first["id_token"], BFF)["sid"]


def test_prompt_login_shows_the_login_page_despite_a_session(fresh, bff_server, agent):
    params = implicit_params(fresh, bff_server, response_mode=None)
    first = verify_jwt(fresh.url, redirect_params(
        authorize_and_sign_in(agent, fresh.url, **params))["id_token"], BFF)
    again = authorize(agent, fresh.url, **{**params, "prompt": "login"})
    assert "/u/login" in again.headers["Location"]
    time.sleep(1.05)  # auth_time has a resolution of one second
    second = verify_jwt(fresh.url, redirect_params(
        authorize_and_sign_in(agent, fresh.url, **{**params, "prompt": "login"}))["id_token"],
        BFF)
    assert second["auth_time"] > first["auth_time"]
    assert second["sid"] != first["sid"]


def test_max_age(fresh, bff_server, agent):
    params = implicit_params(fresh, bff_server, response_mode=None)
    authorize_and_sign_in(agent, fresh.url, **params)
    within = redirect_params(authorize(agent, fresh.url, **{**params, "max_age": "3600"}))
    assert "auth_time" in verify_jwt(fresh.url, within["id_token"], BFF)
    forced = authorize(agent, fresh.url, **{**params, "max_age": "0"})
    assert "/u/login" in forced.headers["Location"]
    silent = redirect_params(authorize(agent, fresh.url, **{**params, "max_age": "0",
                                                              "prompt": "none"}))
    assert silent["error"] == "login_required"
    bad = redirect_params(authorize(agent, fresh.url, **{**params, "max_age": "soon"}))
    assert bad["error"] == "invalid_request"


@pytest.mark.parametrize("connection", ["github", "google-oauth2"])
def test_connection_goes_straight_to_the_social_stand_in(fresh, bff_server, agent,
                                                        connection):
    params = implicit_params(fresh, bff_server, response_mode=None, connection=connection)
    start = authorize(agent, fresh.url, **params)
    assert f"/u/social/{connection}" in start.headers["Location"]
    page = agent.get(fresh.url + start.headers["Location"], timeout=TIMEOUT)
    (form,) = parse_forms(page.text)
    accounts = [value for name, value in form.buttons if name == "account"]
    assert len(accounts) >= 2
    answer = submit_form(agent, page, account=accounts[0])
    assert answer.status_code == 302
    done = agent.get(fresh.url + answer.headers["Location"], allow_redirects=False,
                       timeout=TIMEOUT)
    claims = verify_jwt(fresh.url, redirect_params(done)["id_token"], BFF)
    assert claims["sub"].startswith(f"{connection}|")


def test_connection_other_than_the_sessions_asks_to_sign_in(fresh, bff_server, agent):
    params = implicit_params(fresh, bff_server, response_mode=None)
    authorize_and_sign_in(agent, fresh.url, **params)
    again = authorize(agent, fresh.url, **{**params, "connection": "github"})
    assert "/u/social/github" in again.headers["Location"]
    same = authorize(agent, fresh.url, **{
        **params, "connection": "Username-Password-Authentication"})
    assert "id_token" in redirect_params(same)


def test_unknown_stand_in_account_is_refused(fresh, bff_server, agent):
    params = implicit_params(fresh, bff_server, response_mode=None, connection="github")
    start = authorize(agent, fresh.url, **params)
    page = agent.get(fresh.url + start.headers["Location"], timeout=TIMEOUT)
    answer = submit_form(agent, page, account="nobody-at-all")
    assert answer.status_code == 400 and "auth0" not in agent.cookies


def test_expired_or_forged_transaction(fresh, agent):
    for path in ("/u/login?state=forged", "/authorize/resume?state=forged"):
        answer = agent.get(fresh.url + path, allow_redirects=False, timeout=TIMEOUT)
        assert answer.status_code == 400 and "expired or is unknown" in answer.text


def test_resume_without_signing_in_goes_back_to_login(fresh, bff_server, agent):
    start = authorize(agent, fresh.url, **implicit_params(fresh, bff_server))
    transaction = start.headers["Location"].split("state=")[1]
    resumed = agent.get(f"{fresh.url}/authorize/resume?state={transaction}",
                          allow_redirects=False, timeout=TIMEOUT)
    assert resumed.status_code == 302 and "/u/login" in resumed.headers["Location"]


def test_id_token_only_leaves_an_access_token_tweak_armed(fresh, hooks, bff_server, agent):
    hooks.tweak_tokens(access_token={"set": {"tweaked": True}})
    params = implicit_params(fresh, bff_server, response_type="id_token", audience=None,
                             scope="openid")
    form_post_params(authorize_and_sign_in(agent, fresh.url, **params))
    _, got = form_post_params(authorize(agent, fresh.url, **implicit_params(fresh, bff_server)))
    assert verify_jwt(fresh.url, got["access_token"], fresh.audience)["tweaked"] is True
