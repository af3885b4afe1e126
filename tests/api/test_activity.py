"""The activity log: every change made here writes exactly one entry (time, action,
browser, shortened IP, outcome), never a value; paging; retention and the size cap."""

from __future__ import annotations

import time

import pytest

from app.auth import activity
from app.auth.client_info import ClientInfo
from tests.api.conftest import ALICE_ID
from tests.api.test_mfa_and_devices import public_key_pem
from tests.api.test_step_up import MAX_AGE, wait_until_stale
from tests.auth.test_link import start_link

SECRET_VALUE = "a-value-only-alice-knows-7f3e"


def actions(api) -> list[tuple[str, str]]:
    """(action, outcome) of every entry, oldest first."""
    entries = api.get("/api/me/activity", params={"limit": 100}).json()["entries"]
    return [(e["action"], e["outcome"]) for e in reversed(entries)]


def test_every_change_writes_exactly_one_entry(make_bff, store_env, new_api):
    make_bff(**store_env)
    api = new_api()
    other = new_api()
    third = new_api()
    assert actions(api) == [("signed_in", "ok")] * 3

    assert api.patch("/api/me/metadata", json={"motto": SECRET_VALUE,
                                                "theme": None}).status_code == 200
    start_link(api, api.bff_url, "github")
    assert api.post("/api/me/link", json={"copy_metadata": False}).status_code == 201
    assert api.delete("/api/me/identities/github/1000001").status_code == 200
    assert api.delete("/api/me/multifactor/google-authenticator").status_code == 204
    key = api.post("/api/me/device-credentials", json={
        "device_name": "Laptop", "device_id": "00bb", "public_key": public_key_pem()}).json()
    assert api.delete(f"/api/me/device-credentials/{key['id']}").status_code == 204
    listed = api.get("/api/me/sessions").json()["sessions"]
    other_id = next(s["id"] for s in listed if not s["current"])
    assert api.delete(f"/api/me/sessions/{other_id}").status_code == 200
    assert api.post("/api/me/sessions/sign-out-others").status_code == 200
    assert api.post("/logout").status_code == 200
    assert third.get("/bff/user").status_code == 401  # ended by sign-out-others

    fresh = new_api()
    entries = fresh.get("/api/me/activity", params={"limit": 100}).json()["entries"]
    assert [(e["action"], e["outcome"]) for e in reversed(entries)] == [
        ("signed_in", "ok"), ("signed_in", "ok"), ("signed_in", "ok"),
        ("metadata_saved", "ok"), ("identity_linked", "ok"), ("identity_unlinked", "ok"),
        ("mfa_removed", "ok"), ("device_key_registered", "ok"), ("device_key_revoked", "ok"),
        ("session_ended", "ok"), ("other_sessions_ended", "ok"), ("signed_out", "ok"),
        ("signed_in", "ok"),
    ]
    saved = next(e for e in entries if e["action"] == "metadata_saved")
    assert saved["details"] == {"keys": ["motto", "theme"]}
    assert next(e for e in entries if e["action"] == "identity_unlinked")["details"] == {
        "provider": "github"}
    assert {e["ip"] for e in entries} == {"127.0.0.0/24"}
    assert {e["browser"] for e in entries} == {"Python Requests 2"}
    text = fresh.get("/api/me/activity", params={"limit": 100}).text
    assert SECRET_VALUE not in text and "eyJ" not in text
    assert other.get("/bff/user").status_code == 401


def test_failed_refused_and_unknown_outcomes(make_bff, new_api, hooks):
    make_bff(STEP_UP_MAX_AGE=str(MAX_AGE), HTTP_TIMEOUT="1")
    api = new_api()
    signed_in_at = time.time()  # after the sign-in: its `auth_time` is at the second factor
    assert api.delete("/api/me/multifactor/sms").status_code == 400
    hooks.faults(path="/api/v2/users/", method="PATCH", drop=True, times=1)
    assert api.patch("/api/me/metadata", json={"visits": 1}).json()["code"] == \
        "write_outcome_unknown"
    wait_until_stale(signed_in_at)
    assert api.delete("/api/me/multifactor/google-authenticator").status_code == 401
    assert actions(api) == [("signed_in", "ok"), ("mfa_removed", "failed"),
                            ("metadata_saved", "unknown"), ("mfa_removed", "refused")]
    assert "google-authenticator" in hooks.user(ALICE_ID)["multifactor"]


def test_pages_go_back_in_time(api):
    for index in range(4):
        assert api.patch("/api/me/metadata", json={f"k{index}": index}).status_code == 200
    first = api.get("/api/me/activity", params={"limit": 2}).json()
    assert [e["details"]["keys"] for e in first["entries"]] == [["k3"], ["k2"]]
    second = api.get("/api/me/activity", params={"limit": 2,
                                                 "before": first["next_before"]}).json()
    assert [e["details"]["keys"] for e in second["entries"]] == [["k1"], ["k0"]]
    last = api.get("/api/me/activity", params={"limit": 2,
                                               "before": second["next_before"]}).json()
    assert [e["action"] for e in last["entries"]] == ["signed_in"]
    assert last["next_before"] is None


@pytest.mark.parametrize(("params", "path"), [({"limit": "0"}, "/limit"),
                                              ({"limit": "abc"}, "/limit"),
                                              ({"before": "nan"}, "/before"),
                                              ({"before": "-3"}, "/before")])
def test_bad_paging_parameters_name_themselves(api, params, path):
    answer = api.get("/api/me/activity", params=params)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_request"
    assert [e["path"] for e in answer.json()["errors"]] == [path]


def test_retention_drops_old_entries_and_the_log_is_capped(bff, api):
    store = bff.extensions["selfserve.auth"].store
    settings = bff.extensions["selfserve.auth"].settings
    client = ClientInfo("Firefox 133", "Linux", "127.0.0.0/24")
    day = 86400
    for age_days in (91, 89):
        activity.record(store, settings, ALICE_ID, "signed_in", "ok", client=client,
                        at=time.time() - age_days * day)
    entries = api.get("/api/me/activity", params={"limit": 100}).json()["entries"]
    assert [e["browser"] for e in entries] == ["Python Requests 2", "Firefox 133"]

    for _ in range(activity.MAX_ENTRIES + 5):
        activity.record(store, settings, ALICE_ID, "signed_out", "ok", client=client)
    found, _ = activity.read(store, ALICE_ID, before=None, limit=activity.MAX_ENTRIES + 50)
    assert len(found) == activity.MAX_ENTRIES
    assert {e["action"] for e in found} == {"signed_out"}
