"""The tenant hook the deploy tests rely on: pointing the demo BFF client at another
URL, refusing bad input, and a reset putting the demo registration back."""

from __future__ import annotations

import requests

from tests.support.tenant import authorize

ELSEWHERE = "http://localhost:1"


def authorize_status(tenant, redirect_uri: str) -> int:
    response = authorize(requests.Session(), tenant.url, client_id="selfserve-demo-bff",
                         response_type="code", redirect_uri=redirect_uri, scope="openid",
                         state="s", nonce="n", code_challenge="c" * 43,
                         code_challenge_method="S256")
    return response.status_code


def test_client_urls_replace_and_reset_restores(hooks, tenant, bff_server):
    demo_callback = bff_server.url + "/callback"
    assert authorize_status(tenant, ELSEWHERE + "/callback") == 400
    urls = hooks.client_urls("selfserve-demo-bff", callbacks=[ELSEWHERE + "/callback"],
                             backchannel_logout_uri=None)
    assert urls["callbacks"] == [ELSEWHERE + "/callback"]
    assert urls["backchannel_logout_uri"] is None
    assert urls["allowed_logout_urls"] == [bff_server.url + "/"]  # untouched
    assert authorize_status(tenant, ELSEWHERE + "/callback") == 302
    assert authorize_status(tenant, demo_callback) == 400
    hooks.reset()
    assert authorize_status(tenant, demo_callback) == 302
    assert authorize_status(tenant, ELSEWHERE + "/callback") == 400


def test_client_urls_refuses_bad_input(hooks, tenant):
    def call(client_id: str, body) -> requests.Response:
        return requests.post(f"{tenant.url}/__test__/clients/{client_id}/urls", json=body,
                             timeout=10)

    assert call("no-such-client", {"callbacks": []}).status_code == 404
    for body in ({}, {"secret": "x"}, {"callbacks": "http://a/cb"},
                 {"callbacks": ["javascript:alert(1)"]}, {"backchannel_logout_uri": 5}):
        answer = call("selfserve-demo-bff", body)
        assert answer.status_code == 400, body
        assert answer.json()["error"] == "bad_request"
