"""Every My Account API answer of the local tenant validates against Auth0's OpenAPI
subset (`/factors`, `/authentication-methods*`): a scripted tour of every operation and
type, success and error answers alike."""

from __future__ import annotations

import pyotp
import pytest
import requests
from openapi_core import OpenAPI

from tests.conformance.oas import MYACCOUNT_OAS_NAME, spec_for, validation_failures
from tests.support.tenant import BOB
from tests.tenant_myaccount.support import MyAccount, outbox_code, sign_in_for_tokens


@pytest.fixture(scope="module")
def openapi(tenant) -> OpenAPI:
    return OpenAPI.from_dict(spec_for(tenant.url + "/me/v1", MYACCOUNT_OAS_NAME))


def tour(tenant, hooks, bff_server) -> list[tuple[str, requests.Response, bool]]:
    """(label, response, whether the request itself is valid) for every kind of answer."""
    tokens = sign_in_for_tokens(tenant, bff_server.url, user=BOB)
    me = MyAccount(tenant, tokens["access_token"])
    narrow = sign_in_for_tokens(tenant, bff_server.url, user=BOB,
                                scope="openid read:me:factors")["access_token"]
    calls: list[tuple[str, requests.Response, bool]] = []

    def call(label, method, path, client=me, valid=True, **kwargs):
        response = client.call(method, path, **kwargs)
        calls.append((label, response, valid))
        return response

    call("factors", "GET", "/factors")
    call("list", "GET", "/authentication-methods")
    call("list by type", "GET", "/authentication-methods", params={"type": "password"})
    call("list bad type", "GET", "/authentication-methods", params={"type": "x"}, valid=False)
    call("no token", "GET", "/authentication-methods", client=MyAccount(tenant, None),
         valid=False)
    call("bad token", "GET", "/authentication-methods", client=MyAccount(tenant, "x.y.z"))
    call("no scope", "GET", "/authentication-methods", client=MyAccount(tenant, narrow))

    totp = call("start totp", "POST", "/authentication-methods", json={"type": "totp"}).json()
    call("verify totp wrong", "POST", me.method_path(totp["id"], "/verify"),
         json={"auth_session": totp["auth_session"], "otp_code": "000000"})
    call("verify totp", "POST", me.method_path(totp["id"], "/verify"),
         json={"auth_session": totp["auth_session"],
               "otp_code": pyotp.TOTP(totp["manual_input_code"]).now()})
    code = call("start recovery code", "POST", "/authentication-methods",
                json={"type": "recovery-code"}).json()
    call("verify recovery code", "POST", me.method_path(code["id"], "/verify"),
         json={"auth_session": code["auth_session"]})
    email = call("start email", "POST", "/authentication-methods",
                 json={"type": "email", "email": "bob.2@example.com"}).json()
    call("verify email", "POST", me.method_path(email["id"], "/verify"),
         json={"auth_session": email["auth_session"],
               "otp_code": outbox_code(tenant, "bob.2@example.com")})
    phone = call("start phone", "POST", "/authentication-methods",
                 json={"type": "phone", "phone_number": "+15551234567",
                       "preferred_authentication_method": "sms"}).json()
    call("verify phone", "POST", me.method_path(phone["id"], "/verify"),
         json={"auth_session": phone["auth_session"],
               "otp_code": outbox_code(tenant, "+15551234567")})
    call("start passkey", "POST", "/authentication-methods", json={"type": "passkey"})
    password = call("start password", "POST", "/authentication-methods",
                    json={"type": "password"}).json()
    call("verify password weak", "POST", "/authentication-methods/password%7Cnew/verify",
         json={"auth_session": password["auth_session"], "new_password": "weak"})
    call("verify password", "POST", "/authentication-methods/password%7Cnew/verify",
         json={"auth_session": password["auth_session"], "new_password": "Bob-Passw0rd-2"})
    call("start bad email", "POST", "/authentication-methods",
         json={"type": "email", "email": "nope"})
    call("start not json", "POST", "/authentication-methods", data="type=totp",
         headers={"Content-Type": "text/plain"}, valid=False)

    all_methods = call("list all", "GET", "/authentication-methods").json()
    password_id = all_methods["authentication_methods"][0]["id"]
    call("get one", "GET", me.method_path(totp["id"]))
    call("get phone", "GET", me.method_path(phone["id"]))
    call("get missing", "GET", me.method_path("totp|dev_0000000000000000"))
    call("rename", "PATCH", me.method_path(totp["id"]), json={"name": "Work phone"})
    call("prefer voice", "PATCH", me.method_path(phone["id"]),
         json={"preferred_authentication_method": "voice"})
    call("rename bad", "PATCH", me.method_path(totp["id"]), json={"colour": "red"},
         valid=False)
    call("delete password", "DELETE", me.method_path(password_id))
    call("delete", "DELETE", me.method_path(totp["id"]))
    call("delete again", "DELETE", me.method_path(totp["id"]))

    hooks.http.post(tenant.url + "/__test__/myaccount/rate-limits",
                    json={"user": {"limit": 1, "window": 60}}, timeout=10)
    call("rate limited first", "GET", "/authentication-methods")
    call("rate limited", "GET", "/authentication-methods")
    return calls


def test_every_response_validates(tenant, hooks, bff_server, openapi):
    calls = tour(tenant, hooks, bff_server)
    statuses = {response.status_code for _, response, _ in calls}
    assert statuses >= {200, 201, 202, 204, 400, 401, 403, 404, 409, 415, 429}
    failures = validation_failures(openapi, calls)
    assert not failures, "\n".join(failures)


def test_every_answer_has_rate_limit_headers_and_errors_the_problem_shape(tenant, hooks,
                                                                          bff_server):
    for label, response, _ in tour(tenant, hooks, bff_server):
        if response.status_code == 401:
            continue  # no user to count: refused before the limits
        assert "x-ratelimit-limit" in response.headers, label
        if response.status_code >= 400:
            body = response.json()
            assert set(body) <= {"type", "status", "title", "detail", "validation_errors"}
            assert body["status"] == response.status_code, label
            assert body["type"].startswith("urn:selfserve:myaccount:"), label
