"""Adding an authenticator app and a recovery code through the JSON API (the My Account
API with the user's /me/ token), with the real BFF and the local tenant: bob has no
second factor until he enrolls one here."""

from __future__ import annotations

from urllib.parse import quote

import pyotp
import pytest
import requests

from tests.support.login import sign_in
from tests.support.tenant import BOB, parse_forms, submit_form
from tests.tenant_myaccount.support import outbox_code

BASE = "/api/me/authentication-methods"


def _bob(new_api):
    return new_api(*BOB)


def _types(api) -> list[str]:
    return sorted(m["type"] for m in api.get(BASE).json()["methods"])


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_an_authenticator_app_is_enrolled_and_asked_for_at_the_next_sign_in(
    new_api, bff, bff_server
):
    api = _bob(new_api)
    assert _types(api) == ["password"]
    started = api.post(BASE, json={"type": "totp"})
    assert started.status_code == 202, started.text
    body = started.json()
    assert "auth_session" not in started.text  # the tenant's session stays on the server
    uri = body["totp"]["barcode_uri"]
    secret = pyotp.parse_uri(uri).secret
    assert body["totp"]["manual_input_code"].replace(" ", "") == secret
    assert body["totp"]["qr_svg"].startswith("<svg") and "<path" in body["totp"]["qr_svg"]
    assert 0 < body["expires_in"] <= 300
    verify = f"{BASE}/{quote(body['id'], safe='')}/verify"

    wrong = api.post(verify, json={"otp_code": _wrong(pyotp.TOTP(secret).now())})
    assert wrong.status_code == 400, wrong.text
    assert wrong.json()["code"] == "wrong_code"
    assert _types(api) == ["password"]  # nothing enrolled
    malformed = api.post(verify, json={"otp_code": "12ab"})
    assert malformed.status_code in (400, 422), malformed.text

    done = api.post(verify, json={"otp_code": pyotp.TOTP(secret).now()})
    assert done.status_code == 201, done.text
    assert done.json()["method"]["type"] == "totp"
    assert _types(api) == ["password", "totp"]
    again = api.post(verify, json={"otp_code": pyotp.TOTP(secret).now()})
    assert again.status_code == 404 and again.json()["code"] == "enrollment_not_found"
    assert _types(api) == ["password", "totp"]  # not twice

    # The next sign-in asks bob for a code, and the new app's code lets him in.
    browser = requests.Session()
    page = browser.get(bff_server.url + "/login", timeout=10)
    login = next(i for i, f in enumerate(parse_forms(page.text)) if "password" in f.fields)
    asked = submit_form(browser, page, form_index=login, username=BOB[0], password=BOB[1])
    assert asked.status_code == 302 and "/u/mfa" in asked.headers["Location"], asked.text
    fresh = requests.Session()
    signed_in = sign_in(fresh, bff_server.url, *BOB, totp_secret=secret)
    assert signed_in.status_code == 200 and signed_in.url.startswith(bff_server.url)
    assert fresh.get(bff_server.url + "/bff/user", timeout=10).status_code == 200


def test_a_recovery_code_is_shown_once_and_a_new_one_replaces_it(new_api, bff):
    api = _bob(new_api)
    first = api.post(BASE, json={"type": "recovery-code"})
    assert first.status_code == 202, first.text
    code = first.json()["recovery_code"]
    assert code and first.json().get("totp") is None
    path = f"{BASE}/{quote(first.json()['id'], safe='')}/verify"
    assert api.post(path, json={}).status_code == 201
    listed = api.get(BASE)
    assert "recovery-code" in _types(api) and code not in listed.text
    assert code not in api.get("/api/me/export").text

    second = api.post(BASE, json={"type": "recovery-code"})
    assert second.status_code == 202, second.text
    new_code = second.json()["recovery_code"]
    assert new_code != code
    confirmed = api.post(f"{BASE}/{quote(second.json()['id'], safe='')}/verify", json={})
    assert confirmed.status_code == 201, confirmed.text
    # The new code replaced the old one: one recovery code, the one just confirmed.
    assert [m["id"] for m in api.get(BASE).json()["methods"]
            if m["type"] == "recovery-code"] == [confirmed.json()["method"]["id"]]


def test_an_enrollment_cannot_be_confirmed_from_another_session(new_api, bff):
    api, other = _bob(new_api), _bob(new_api)
    started = api.post(BASE, json={"type": "totp"}).json()
    secret = pyotp.parse_uri(started["totp"]["barcode_uri"]).secret
    stolen = other.post(f"{BASE}/{quote(started['id'], safe='')}/verify",
                        json={"otp_code": pyotp.TOTP(secret).now()})
    assert stolen.status_code == 404 and stolen.json()["code"] == "enrollment_not_found"
    assert _types(api) == ["password"]


def test_what_cannot_be_enrolled_here_or_is_malformed_is_refused(new_api, bff):
    api = _bob(new_api)
    for body in ({"type": "sms"}, {"type": "push-notification"}, {}, {"type": "totp", "x": 1},
                 {"type": "email"}, {"type": "email", "email": "no-at-sign"},
                 {"type": "phone", "phone_number": "5551234"},
                 {"type": "totp", "email": "bob@example.com"},
                 {"type": "email", "email": "b@example.com", "phone_number": "+15551234567"},
                 {"type": "phone", "phone_number": "+15551234567",
                  "preferred_authentication_method": "pigeon"}):
        refused = api.post(BASE, json=body)
        assert refused.status_code in (400, 422), (body, refused.text)
        assert refused.json()["errors"], refused.text
    assert _types(api) == ["password"]


@pytest.mark.parametrize(("kind", "field", "to"), [
    ("email", "email", "bob.codes@example.com"),
    ("phone", "phone_number", "+15557654321"),
])
def test_email_and_phone_codes_are_sent_and_a_wrong_one_changes_nothing(
    new_api, bff, tenant, kind, field, to
):
    api = _bob(new_api)
    started = api.post(BASE, json={"type": kind, field: to})
    assert started.status_code == 202, started.text
    assert started.json()["code_sent_to"] == to
    verify = f"{BASE}/{quote(started.json()['id'], safe='')}/verify"
    code = outbox_code(tenant, to)
    wrong = api.post(verify, json={"otp_code": _wrong(code)})
    assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_code", wrong.text
    assert _types(api) == ["password"]
    done = api.post(verify, json={"otp_code": code})
    assert done.status_code == 201, done.text
    method = done.json()["method"]
    assert method["type"] == kind and method[field] == to
    assert _types(api) == sorted(["password", kind])


def test_a_password_change_meets_the_policy_and_the_old_password_stops_working(
    new_api, bff, bff_server
):
    api = _bob(new_api)
    started = api.post(BASE, json={"type": "password"})
    assert started.status_code == 202, started.text
    policy = started.json()["password_policy"]["complexity"]
    assert policy["min_length"] == 8 and policy["character_type_rule"] == "three_of_four"
    verify = f"{BASE}/{quote(started.json()['id'], safe='')}/verify"

    for weak in ("short1A", "alllowercaseletters"):
        refused = api.post(verify, json={"new_password": weak})
        assert refused.status_code == 400, refused.text
        assert refused.json()["code"] == "password_rejected"
        assert "password" in refused.json()["detail"].lower()
    still_old = requests.Session()
    assert sign_in(still_old, bff_server.url, *BOB).url.startswith(bff_server.url)

    new_password = "Correct-Horse-42"
    done = api.post(verify, json={"new_password": new_password})
    assert done.status_code == 201, done.text
    assert done.json()["method"]["type"] == "password"
    assert "password_changed" in [e["action"] for e in api.get("/api/me/activity").json()[
        "entries"]]

    with pytest.raises(AssertionError, match="refused the sign-in"):
        sign_in(requests.Session(), bff_server.url, BOB[0], BOB[1])
    fresh = requests.Session()
    assert sign_in(fresh, bff_server.url, BOB[0], new_password).url.startswith(bff_server.url)
    assert fresh.get(bff_server.url + "/bff/user", timeout=10).status_code == 200


def test_a_passkey_enrollment_gives_the_creation_options_and_refuses_a_forged_answer(
    new_api, bff
):
    api = _bob(new_api)
    started = api.post(BASE, json={"type": "passkey"})
    assert started.status_code == 202, started.text
    options = started.json()["passkey_options"]
    assert options["rp"]["id"] == "localhost" and options["challenge"]
    assert "auth_session" not in started.text
    verify = f"{BASE}/{quote(started.json()['id'], safe='')}/verify"
    forged = {"id": "AAAA", "rawId": "AAAA", "type": "public-key",
              "response": {"attestationObject": "AAAA", "clientDataJSON": "AAAA",
                           "publicKey": "dropped by the BFF"}}
    refused = api.post(verify, json={"authn_response": forged})
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "passkey_rejected"
    missing = api.post(verify, json={})
    assert missing.status_code == 400 and missing.json()["code"] == "passkey_rejected"
    assert _types(api) == ["password"]


def test_the_list_is_read_once_and_kept_up_to_date_by_the_changes_made_here(
    new_api, bff, tenant
):
    """Auth0's Free plan allows 2 authentication-method calls a minute per user: the
    page's re-reads after each change come from the list kept here. Five calls a minute
    are allowed below: one list, start, verify, rename, delete; any re-read is a 429."""
    api = _bob(new_api)
    limited = requests.post(tenant.url + "/__test__/myaccount/rate-limits",
                            json={"user": {"limit": 5, "window": 60}}, timeout=10)
    assert limited.status_code == 200, limited.text
    assert _types(api) == ["password"]
    started = api.post(BASE, json={"type": "totp"}).json()
    secret = pyotp.parse_uri(started["totp"]["barcode_uri"]).secret
    done = api.post(f"{BASE}/{quote(started['id'], safe='')}/verify",
                    json={"otp_code": pyotp.TOTP(secret).now()})
    assert done.status_code == 201, done.text
    method_id = done.json()["method"]["id"]
    assert _types(api) == ["password", "totp"]
    renamed = api.patch(f"{BASE}/{quote(method_id, safe='')}", json={"name": "Phone app"})
    assert renamed.status_code == 200, renamed.text
    assert [m.get("name") for m in api.get(BASE).json()["methods"]
            if m["id"] == method_id] == ["Phone app"]
    assert api.delete(f"{BASE}/{quote(method_id, safe='')}").status_code == 204
    assert _types(api) == ["password"]


def test_a_method_removed_elsewhere_is_not_found_and_leaves_the_list(new_api, bff, tenant,
                                                                    hooks):
    """Removed through another application while this page kept the list: renaming or
    removing it says so (404), and the list stops showing it at once."""
    api = _bob(new_api)
    started = api.post(BASE, json={"type": "totp"}).json()
    secret = pyotp.parse_uri(started["totp"]["barcode_uri"]).secret
    method_id = api.post(f"{BASE}/{quote(started['id'], safe='')}/verify",
                         json={"otp_code": pyotp.TOTP(secret).now()}).json()["method"]["id"]
    assert _types(api) == ["password", "totp"]  # kept here from now on
    import time

    from app.tenant.directory import BOB_ID

    now = int(time.time())
    token = hooks.mint({"iss": tenant.issuer, "sub": BOB_ID, "aud": tenant.issuer + "me/",
                        "azp": "another-application", "iat": now, "exp": now + 300,
                        "scope": "delete:me:authentication_methods"})
    elsewhere = requests.delete(f"{tenant.url}/me/v1/authentication-methods/"
                                f"{quote(method_id, safe='')}", timeout=10,
                                headers={"Authorization": f"Bearer {token}"})
    assert elsewhere.status_code == 204, elsewhere.text
    assert _types(api) == ["password", "totp"]  # the kept list does not know yet

    renamed = api.patch(f"{BASE}/{quote(method_id, safe='')}", json={"name": "Phone"})
    assert renamed.status_code == 404 and renamed.json()["code"] == "method_not_found"
    assert _types(api) == ["password"]
    removed = api.delete(f"{BASE}/{quote(method_id, safe='')}")
    assert removed.status_code == 404 and removed.json()["code"] == "method_not_found"
