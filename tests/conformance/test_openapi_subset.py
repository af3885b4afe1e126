"""Every Management API response of the local tenant validates against Auth0's OpenAPI
subset: a scripted tour of all eight operations, success and error answers alike."""

from __future__ import annotations

import pytest
import requests
from openapi_core import OpenAPI

from app.tenant.directory import ALICE_ID, BOB_ID
from tests.conformance.oas import spec_for, validation_failures
from tests.tenant_management.support import TenantApi, user_path

KEY = {"device_name": "Alice's phone", "type": "public_key",
       "value": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", "device_id": "3f2a-99b0-1c"}


@pytest.fixture(scope="module")
def openapi(tenant) -> OpenAPI:
    return OpenAPI.from_dict(spec_for(tenant.url + "/api/v2"))


def tour(mgmt: TenantApi) -> list[tuple[str, requests.Response, bool]]:
    """(label, response, whether the request itself is valid) for every kind of answer."""
    alice = mgmt.access_token()
    bob = mgmt.access_token(sub=BOB_ID)
    no_scope = mgmt.access_token(scopes=["openid"])
    calls: list[tuple[str, requests.Response, bool]] = []

    def call(label, method, path, token=alice, valid=True, **kwargs):
        response = mgmt.call(method, path, token, **kwargs)
        calls.append((label, response, valid))
        return response

    me = user_path(ALICE_ID)
    call("get user", "GET", me)
    call("get user fields", "GET", me, params={"fields": "user_id,email",
                                               "include_fields": "true"})
    call("get user no token", "GET", me, token=None, valid=False)
    call("get user bad token", "GET", me, token="x.y.z", valid=False)
    call("get user no scope", "GET", me, token=no_scope)
    call("get other user", "GET", user_path(BOB_ID))
    ghost = "auth0|000000000000000000000000"
    call("get missing user", "GET", user_path(ghost), token=mgmt.access_token(sub=ghost))

    call("patch metadata", "PATCH", me, json={"user_metadata": {"theme": "light", "x": None}})
    call("patch clear", "PATCH", me, json={"user_metadata": {}})
    call("patch root attribute", "PATCH", me, json={"name": "Mallory"})
    call("patch bad type", "PATCH", me, json={"user_metadata": "dark"}, valid=False)
    call("patch bad key", "PATCH", me, json={"user_metadata": {"a.b": 1}})
    call("patch other user", "PATCH", user_path(BOB_ID), json={"user_metadata": {"a": 1}})

    call("enrollments", "GET", user_path(ALICE_ID, "/enrollments"))
    call("enrollments empty", "GET", user_path(BOB_ID, "/enrollments"), token=bob)
    call("enrollments no scope", "GET", user_path(ALICE_ID, "/enrollments"), token=no_scope)
    call("delete multifactor", "DELETE", user_path(ALICE_ID, "/multifactor/google-authenticator"))
    call("delete multifactor other", "DELETE", user_path(BOB_ID, "/multifactor/duo"))

    secondary = mgmt.sign_in_social("github", "alice-gh")
    link_path = user_path(ALICE_ID, "/identities")
    call("link", "POST", link_path, json={"link_with": mgmt.id_token(secondary)})
    call("link again", "POST", link_path, json={"link_with": mgmt.id_token(secondary)})
    call("link itself", "POST", link_path, json={"link_with": mgmt.id_token(ALICE_ID)})
    call("link wrong aud", "POST", link_path,
         json={"link_with": mgmt.id_token(secondary, aud="other")})
    call("link extra property", "POST", link_path, json={"link_with": "x", "scopes": "all"},
         valid=False)
    call("link no scope", "POST", link_path, token=no_scope, json={"link_with": "x"})
    call("unlink", "DELETE", user_path(ALICE_ID, "/identities/github/1000001"))
    call("unlink main", "DELETE",
         user_path(ALICE_ID, "/identities/auth0/" + ALICE_ID.split("|")[1]))
    call("unlink other user", "DELETE", user_path(BOB_ID, "/identities/github/1000001"))

    created = call("create device credential", "POST", "/device-credentials", json=KEY)
    call("create device credential again", "POST", "/device-credentials", json=KEY)
    call("create device credential bad id", "POST", "/device-credentials",
         json={**KEY, "device_id": "zz"}, valid=False)
    call("create device credential missing", "POST", "/device-credentials",
         json={"type": "public_key"}, valid=False)
    call("create device credential no scope", "POST", "/device-credentials", token=no_scope,
         json=KEY)
    credential = f"/device-credentials/{created.json()['id']}"
    call("delete device credential not owned", "DELETE", credential, token=bob)
    call("delete device credential", "DELETE", credential)

    mgmt.set_rate_limit(limit=1, window=30)
    call("rate limited first", "GET", me)
    call("rate limited", "GET", me)
    return calls


def test_every_response_validates(mgmt, openapi):
    calls = tour(mgmt)
    statuses = {response.status_code for _, response, _ in calls}
    assert statuses >= {200, 201, 204, 400, 401, 403, 404, 409, 429}
    failures = validation_failures(openapi, calls)
    assert not failures, "\n".join(failures)


def test_error_bodies_have_auth0s_shape(mgmt):
    for label, response, _ in tour(mgmt):
        assert "x-ratelimit-limit" in response.headers, label
        if response.status_code < 400:
            continue
        assert response.headers["Content-Type"] == "application/json; charset=utf-8", label
        body = response.json()
        assert body["statusCode"] == response.status_code, label
        assert isinstance(body["error"], str) and isinstance(body["message"], str), label
        assert set(body) <= {"statusCode", "error", "message", "errorCode", "attributes"}, label
