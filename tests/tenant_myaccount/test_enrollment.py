"""Enrolling sign-in methods over HTTP with a `/me/` token, and the next sign-in using them.

Each type: a wrong proof is refused and enrolls nothing; a right one enrolls the method,
which then shows in My Account and in the Management API's enrollments read, and the
tenant's next login asks for it."""

from __future__ import annotations

import pyotp
import pytest

from app.tenant.directory import BOB_ID
from tests.support.tenant import BOB, TIMEOUT
from tests.tenant_myaccount import login_steps
from tests.tenant_myaccount.support import (
    enrollments,
    outbox_code,
    problem,
    sign_in_for_tokens,
)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_totp_enrolls_only_with_the_right_code_and_is_asked_at_sign_in(
    tenant, bob, api, bff_server
):
    started = bob.start(type="totp")
    assert started.status_code == 202, started.text
    body = started.json()
    assert started.headers["Location"].endswith(
        "/me/v1/authentication-methods/" + body["id"].replace("|", "%7C"))
    assert body["barcode_uri"].startswith("otpauth://totp/")
    assert f"secret={body['manual_input_code']}" in body["barcode_uri"]
    good = pyotp.TOTP(body["manual_input_code"]).now()

    refused = bob.verify(body["id"], auth_session=body["auth_session"], otp_code=_wrong(good))
    assert refused.status_code == 400
    assert problem(refused)["validation_errors"][0]["field"] == "otp_code"
    assert [m["type"] for m in bob.methods()] == ["password"]
    token = api.access_token(sub=BOB_ID)
    assert enrollments(api, BOB_ID, token) == []

    verified = bob.verify(body["id"], auth_session=body["auth_session"], otp_code=good)
    assert verified.status_code == 201, verified.text
    assert verified.json()["type"] == "totp" and verified.json()["confirmed"] is True
    [enrollment] = enrollments(api, BOB_ID, token)
    assert enrollment["id"] == body["id"].split("|")[1]
    assert enrollment["type"] == "authenticator" and enrollment["status"] == "confirmed"
    # The auth_session was used: it cannot enroll a second one.
    again = bob.verify(body["id"], auth_session=body["auth_session"], otp_code=good)
    assert again.status_code == 400

    http, page = login_steps.to_second_factor(tenant, bff_server.url, BOB)
    assert "/u/mfa" in page.url and "authenticator app" in page.text
    assert not login_steps.finished(login_steps.answer(http, page, _wrong(good)), "")
    done = login_steps.answer(http, page, pyotp.TOTP(body["manual_input_code"]).now())
    assert login_steps.finished(done, bff_server.url)


def test_a_recovery_code_is_shown_once_and_signs_in_once(tenant, bob, bff_server):
    started = bob.start(type="recovery-code")
    assert started.status_code == 202
    body = started.json()
    code = body["recovery_code"]
    assert len(code) == 24 and code.isalnum()
    assert bob.verify(body["id"], auth_session=body["auth_session"]).status_code == 201
    assert "recovery_code" not in str(bob.methods())

    http, page = login_steps.to_second_factor(tenant, bff_server.url, BOB)
    assert "recovery code" in page.text
    assert not login_steps.finished(login_steps.answer(http, page, "A" * 24), "")
    assert login_steps.finished(login_steps.answer(http, page, code.lower()), "")
    # Used up: gone from the methods, and the next sign-in asks for nothing more.
    assert [m["type"] for m in bob.methods()] == ["password"]
    http, page = login_steps.to_second_factor(tenant, bff_server.url, BOB)
    assert "/u/mfa" not in page.url


@pytest.mark.parametrize(("kind", "field", "to"), [
    ("email", "email", "bob.second@example.com"),
    ("phone", "phone_number", "+15551234567"),
])
def test_email_and_phone_codes_go_to_the_outbox(tenant, bob, api, bff_server, kind, field, to):
    started = bob.start(type=kind, **{field: to})
    assert started.status_code == 202, started.text
    body = started.json()
    code = outbox_code(tenant, to)
    refused = bob.verify(body["id"], auth_session=body["auth_session"], otp_code=_wrong(code))
    assert refused.status_code == 400
    assert enrollments(api, BOB_ID, api.access_token(sub=BOB_ID)) == []
    verified = bob.verify(body["id"], auth_session=body["auth_session"], otp_code=code)
    assert verified.status_code == 201, verified.text
    assert verified.json()[field] == to
    [enrollment] = enrollments(api, BOB_ID, api.access_token(sub=BOB_ID))
    assert enrollment["type"] == ("email" if kind == "email" else "sms")

    http, page = login_steps.to_second_factor(tenant, bff_server.url, BOB)
    assert to in page.text
    page = login_steps.send_code(http, page)
    assert "outbox" in page.text
    done = login_steps.answer(http, page, outbox_code(tenant, to))
    assert login_steps.finished(done, bff_server.url)


def test_bad_enrollment_bodies_are_refused(bob):
    for body, field in (({"type": "email", "email": "nope"}, "email"),
                        ({"type": "phone", "phone_number": "555"}, "phone_number"),
                        ({"type": "push-notification"}, "type"),
                        ({"type": "email"}, "email")):
        response = bob.start(**body)
        assert response.status_code == 400, body
        assert problem(response)["validation_errors"][0]["field"] == field
    not_json = bob.call("POST", "/authentication-methods", data="type=totp",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert not_json.status_code == 415
    assert [m["type"] for m in bob.methods()] == ["password"]


def test_the_password_changes_with_the_policy(tenant, bob, hooks, bff_server):
    started = bob.start(type="password")
    assert started.status_code == 202
    body = started.json()
    assert body["policy"]["complexity"]["min_length"] == 8
    weak = bob.verify("password|new", auth_session=body["auth_session"], new_password="short")
    assert weak.status_code == 400
    assert problem(weak)["validation_errors"][0]["field"] == "new_password"
    done = bob.verify("password|new", auth_session=body["auth_session"],
                      new_password="Bob-New-Passw0rd")
    assert done.status_code == 201, done.text
    assert done.json()["type"] == "password"

    with pytest.raises(AssertionError, match="<title>Log in "):  # the login page again
        sign_in_for_tokens(tenant, bff_server.url, user=BOB)
    assert sign_in_for_tokens(tenant, bff_server.url, user=(BOB[0], "Bob-New-Passw0rd"))


def test_deleting_in_either_api_removes_it_from_both(tenant, bob, api):
    method_id, _secret = bob.enroll_totp()
    token = api.access_token(sub=BOB_ID)
    assert bob.call("DELETE", bob.method_path(method_id)).status_code == 204
    assert enrollments(api, BOB_ID, token) == []
    assert bob.call("GET", bob.method_path(method_id)).status_code == 404
    assert bob.call("DELETE", bob.method_path(method_id)).status_code == 400

    method_id, _secret = bob.enroll_totp()
    removed = api.call("DELETE", f"/users/{BOB_ID.replace('|', '%7C')}/multifactor/"
                       "google-authenticator", token)
    assert removed.status_code == 204
    assert [m["type"] for m in bob.methods()] == ["password"]


def test_alice_seeded_authenticator_is_listed_and_renamed(alice, api):
    [password, totp] = alice.methods()
    assert password["type"] == "password" and totp["type"] == "totp"
    renamed = alice.call("PATCH", alice.method_path(totp["id"]), json={"name": "Work phone"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Work phone"
    bad = alice.call("PATCH", alice.method_path(totp["id"]), json={"colour": "red"})
    assert bad.status_code == 400
    [enrollment] = enrollments(api, "auth0|65f0a1c2b3d4e5f60718293a", api.access_token())
    assert enrollment["name"] == "Work phone"
    assert alice.call("DELETE", alice.method_path(password["id"])).status_code == 409


def test_wrong_codes_end_the_login_step_after_five(tenant, bob, bff_server):
    bob.enroll_totp()
    http, page = login_steps.to_second_factor(tenant, bff_server.url, BOB)
    for _ in range(4):
        assert login_steps.answer(http, page, "000000").status_code == 400
    assert login_steps.answer(http, page, "000000").status_code == 429
    again = http.get(page.url, timeout=TIMEOUT)
    assert again.status_code == 400 and "no second step" in again.text


def test_a_factor_the_tenant_does_not_enable_is_not_listed_and_cannot_be_started(
    tenant, bob
):
    import requests

    enabled = requests.post(tenant.url + "/__test__/myaccount/factors",
                            json={"types": ["password", "totp"]}, timeout=10)
    assert enabled.status_code == 200, enabled.text
    listed = bob.call("GET", "/factors")
    assert [f["type"] for f in listed.json()["factors"]] == ["password", "totp"]
    refused = bob.start(type="phone", phone_number="+15551234567")
    assert refused.status_code == 400, refused.text
    assert problem(refused)["validation_errors"][0]["field"] == "type"
    assert bob.start(type="totp").status_code == 202
    assert [m["type"] for m in bob.methods()] == ["password"]
    bad = requests.post(tenant.url + "/__test__/myaccount/factors",
                        json={"types": ["carrier-pigeon"]}, timeout=10)
    assert bad.status_code == 400
