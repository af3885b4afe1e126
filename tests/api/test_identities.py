"""Linked identities: list, link (preview, copy of metadata, confirm, cancel), unlink.

The other account is signed in to for real through `/link/<connection>` and the
tenant's social stand-in page, as a browser would."""

from __future__ import annotations

import json

import pytest
import requests

from tests.api.conftest import ALICE_ID, write_metadata_at_the_tenant

ALICE_GITHUB = "github|1000001"


def sign_in_to_link(api, connection: str, account: str) -> requests.Response:
    """Drive /link/<connection> through the stand-in page back to the SPA."""
    from tests.support.tenant import submit_form

    page = api.get(f"/link/{connection}")
    assert page.status_code == 200, page.text[:300]
    done = submit_form(api, page, allow_redirects=True, account=account)
    assert done.status_code == 200, done.text[:300]
    assert done.url.endswith("/linked-accounts?pending=1"), done.url
    return done


def test_identities_main_and_connections(api):
    response = api.get("/api/me/identities")
    assert response.status_code == 200
    body = response.json()
    assert body["main"] == {"provider": "auth0", "user_id": ALICE_ID.split("|", 1)[1]}
    by_name = {c["name"]: c for c in body["connections"]}
    assert by_name["Username-Password-Authentication"]["linked"] is True
    assert by_name["Username-Password-Authentication"]["linkable"] is False
    assert by_name["github"] == {"name": "github", "strategy": "github", "linked": False,
                                 "linkable": True, "link_url": "/link/github"}


def test_the_main_identity_cannot_be_unlinked(api, hooks):
    main = api.get("/api/me/identities").json()["main"]
    response = api.delete(f"/api/me/identities/{main['provider']}/{main['user_id']}")
    assert response.status_code == 400
    assert response.json()["code"] == "main_identity"
    assert len(hooks.user(ALICE_ID)["identities"]) == 1


def test_unknown_identity_is_404(api):
    response = api.delete("/api/me/identities/github/424242")
    assert response.status_code == 404
    assert response.json()["code"] == "identity_not_found"


def test_no_pending_link(api):
    assert api.get("/api/me/link").json()["code"] == "no_pending_link"
    response = api.post("/api/me/link", json={"copy_metadata": False})
    assert response.status_code == 404
    assert response.json()["code"] == "no_pending_link"
    assert api.delete("/api/me/link").status_code == 204


def test_link_with_copied_metadata_then_unlink(api, hooks, tenant):
    sign_in_to_link(api, "github", "alice-gh")
    # Give the other account some metadata of its own, one key clashing with alice's.
    write_metadata_at_the_tenant(hooks, tenant, ALICE_GITHUB,
                                 {"theme": "light", "editor": "vim"})

    preview = api.get("/api/me/link")
    assert preview.status_code == 200
    body = preview.json()
    assert body["connection"] == "github"
    assert body["email"] == "alice@example.com"
    assert body["email_matches"] is True and body["email_verified"] is True
    assert body["warnings"] == []
    assert body["user_metadata"] == {"theme": "light", "editor": "vim"}
    assert body["metadata_will_be_lost"] is True

    bad = api.post("/api/me/link", json={"copy_metadata": "yes"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_request"

    linked = api.post("/api/me/link", json={"copy_metadata": True})
    assert linked.status_code == 201, linked.text
    result = linked.json()
    assert result["copied_keys"] == ["editor"]
    assert result["skipped_keys"] == ["theme"]
    assert {i["connection"] for i in result["identities"]} == {
        "Username-Password-Authentication", "github"}

    stored = hooks.user(ALICE_ID)
    assert stored["user_metadata"]["editor"] == "vim"
    assert stored["user_metadata"]["theme"] == "dark"  # alice's value kept
    assert len(stored["identities"]) == 2
    assert api.get("/api/me/link").json()["code"] == "no_pending_link"
    # The profile cache was dropped: the new identity shows at once.
    assert len(api.get("/api/me").json()["identities"]) == 2

    unlinked = api.delete("/api/me/identities/github/1000001")
    assert unlinked.status_code == 200
    assert [i["connection"] for i in unlinked.json()["identities"]] == [
        "Username-Password-Authentication"]
    assert "separate account" in unlinked.json()["detail"]
    assert len(hooks.user(ALICE_ID)["identities"]) == 1
    assert hooks.user(ALICE_ID)["user_metadata"]["editor"] == "vim"


@pytest.mark.parametrize(("connection", "account", "codes"), [
    ("github", "octo-carol", ["email_differs"]),
    ("google-oauth2", "dave.example", ["email_differs", "email_unverified"]),
])
def test_link_warnings_and_cancel(api, hooks, connection, account, codes):
    sign_in_to_link(api, connection, account)
    body = api.get("/api/me/link").json()
    assert [w["code"] for w in body["warnings"]] == codes
    assert body["email_matches"] is False
    assert api.delete("/api/me/link").status_code == 204
    assert api.get("/api/me/link").status_code == 404
    assert len(hooks.user(ALICE_ID)["identities"]) == 1


def test_link_without_copy(api, hooks):
    sign_in_to_link(api, "github", "alice-gh")
    linked = api.post("/api/me/link", json={})
    assert linked.status_code == 201
    assert linked.json()["copied_keys"] == [] and linked.json()["skipped_keys"] == []
    assert [i["connection"] for i in hooks.user(ALICE_ID)["identities"]] == [
        "Username-Password-Authentication", "github"]


def test_a_pending_link_to_this_same_account_offers_nothing(api, hooks):
    """Signing in to the account itself at /link/... is refused at the callback, and no
    pending link is left to confirm. (The account API refuses such a pending link too,
    should one ever be stored: tests/unit/test_services.py.)"""
    from tests.support.tenant import answer_second_factor, submit_form

    def account():
        user = hooks.user(ALICE_ID)
        return user["identities"], user["user_metadata"]

    before = account()
    login_page = api.get("/link/Username-Password-Authentication")
    done = submit_form(api, login_page, allow_redirects=True,
                       username="alice@example.com", password="alice-demo-password")
    done = answer_second_factor(api, done)
    # Refused at the callback (app/auth/flow.py check_secondary): nothing is offered.
    assert done.status_code == 400, done.text[:300]
    assert done.json()["code"] == "link_same_account"  # this client asks for JSON
    assert api.get("/api/me/link").json()["code"] == "no_pending_link"
    refused = api.post("/api/me/link", json={"copy_metadata": False})
    assert refused.status_code == 404 and refused.json()["code"] == "no_pending_link"
    assert account() == before
    assert len(hooks.user(ALICE_ID)["identities"]) == 1


def test_copying_on_link_keeps_to_the_metadata_schema(make_bff, new_api, hooks, tenant,
                                                      tmp_path):
    """Keys the deployment's METADATA_SCHEMA refuses are not copied from the other
    account; the preview names them beforehand."""
    schema = {"type": "object", "properties": {
        "theme": {"enum": ["dark", "light"]},
        "editor": {"enum": ["vim", "emacs"]},
        "plan": {"type": "string"},
    }}
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema))
    make_bff(METADATA_SCHEMA=str(path))
    api = new_api()
    sign_in_to_link(api, "github", "alice-gh")
    write_metadata_at_the_tenant(hooks, tenant, ALICE_GITHUB, {
        "theme": "light", "editor": "vim", "plan": 7, "admin": True})

    preview = api.get("/api/me/link").json()
    assert preview["not_copied_keys"] == ["admin", "plan"]
    assert "metadata_not_copied" in [w["code"] for w in preview["warnings"]]

    linked = api.post("/api/me/link", json={"copy_metadata": True})
    assert linked.status_code == 201, linked.text
    assert linked.json()["copied_keys"] == ["editor"]
    assert linked.json()["skipped_keys"] == ["theme"]
    assert linked.json()["not_copied_keys"] == ["admin", "plan"]
    stored = hooks.user(ALICE_ID)["user_metadata"]
    assert stored["editor"] == "vim" and "admin" not in stored and "plan" not in stored


def test_the_other_accounts_metadata_unreadable_is_said_not_failed(api, hooks):
    sign_in_to_link(api, "github", "alice-gh")
    # The tenant refuses the other account's token (e.g. it expired meanwhile).
    hooks.fault("/api/v2/users/github", method="GET", status=401, times=2)
    body = api.get("/api/me/link").json()
    assert body["user_metadata"] is None
    assert body["metadata_will_be_lost"] is True
    assert "metadata_unreadable" in [w["code"] for w in body["warnings"]]
    refused = api.post("/api/me/link", json={"copy_metadata": True})
    assert refused.status_code == 409
    assert refused.json()["code"] == "metadata_unreadable"
    assert len(hooks.user(ALICE_ID)["identities"]) == 1
