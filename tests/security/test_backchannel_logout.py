"""Back-channel logout as an attacker sees it: an unauthenticated endpoint that parses
untrusted JWTs. Malformed tokens are a 400, never a 500; a token whose `sid` and `sub`
name different users, or one issued too long ago, ends nothing."""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests

from tests.support.backchannel import logout_claims, sid_of
from tests.support.login import sign_in


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def post_logout(bff_url: str, token: str) -> requests.Response:
    return requests.post(bff_url + "/backchannel-logout", data={"logout_token": token},
                         timeout=10)


def status(http: requests.Session, bff_url: str) -> int:
    return http.get(bff_url + "/bff/user", timeout=10).status_code


@pytest.mark.parametrize(
    "segment",
    [
        b"[" * 5000 + b"]" * 5000,
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
    ],
    ids=["deep array", "deep object"],
)
def test_a_token_with_a_deeply_nested_header_is_a_400(signed_in, segment):
    bff_url = signed_in.bff_url
    token = f"{b64(segment)}.{b64(b'{}')}.{b64(b'sig')}"
    answer = post_logout(bff_url, token)
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "invalid_request"
    assert status(signed_in, bff_url) == 200


def test_sid_of_one_user_and_sub_of_another_ends_nothing(bff, bff_server, hooks, tenant):
    bff_url = bff_server.url
    with requests.Session() as alice, requests.Session() as bob:
        sign_in(alice, bff_url)
        sign_in(bob, bff_url, "bob@example.com", "bob-demo-password")
        alice_sub = alice.get(bff_url + "/bff/user", timeout=10).json()["user"]["sub"]
        bob_sub = bob.get(bff_url + "/bff/user", timeout=10).json()["user"]["sub"]
        token = hooks.mint(logout_claims(tenant, sid=sid_of(tenant, alice_sub), sub=bob_sub))
        assert post_logout(bff_url, token).status_code == 200
        assert status(alice, bff_url) == 200
        assert status(bob, bff_url) == 200
        # The same sid with its own user's sub does end alice's session (the test can fail).
        token = hooks.mint(logout_claims(tenant, sid=sid_of(tenant, alice_sub), sub=alice_sub))
        assert post_logout(bff_url, token).status_code == 200
        assert status(alice, bff_url) == 401
        assert status(bob, bff_url) == 200


def test_a_logout_token_issued_long_ago_is_refused(signed_in, hooks, tenant):
    bff_url = signed_in.bff_url
    sub = signed_in.get(bff_url + "/bff/user", timeout=10).json()["user"]["sub"]
    old = int(time.time()) - 3600
    token = hooks.mint(logout_claims(tenant, sub=sub, iat=old, exp=old + 7200))
    answer = post_logout(bff_url, token)
    assert answer.status_code == 400
    assert "too long ago" in answer.json()["detail"]
    assert status(signed_in, bff_url) == 200


def test_the_endpoint_refuses_a_non_form_body(signed_in):
    bff_url = signed_in.bff_url
    answer = requests.post(bff_url + "/backchannel-logout",
                           data=json.dumps({"logout_token": "x"}),
                           headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.status_code == 400
    assert status(signed_in, bff_url) == 200
