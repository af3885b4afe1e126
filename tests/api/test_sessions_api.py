"""The user's signed-in sessions on this account page: listed with browser, OS,
shortened IP and times, ended one by one or all but this one, on both stores."""

from __future__ import annotations

import time

import pytest

from tests.api.test_step_up import MAX_AGE, wait_until_stale
from tests.support.waiting import wait_until

FIREFOX = ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101"
           " Firefox/133.0")
SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
          " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


@pytest.fixture
def two_browsers(make_bff, store_env, new_api):
    """Alice in Firefox on Linux and in Safari on an iPhone, on each store."""
    make_bff(SESSION_IDLE_TIMEOUT="8", **store_env)
    firefox = new_api(user_agent=FIREFOX)
    safari = new_api(user_agent=SAFARI)
    return firefox, safari


def test_each_browser_sees_both_sessions(two_browsers, new_api):
    firefox, safari = two_browsers
    bob = new_api("bob@example.com", "bob-demo-password")
    listed = firefox.get("/api/me/sessions")
    assert listed.status_code == 200, listed.text
    sessions = listed.json()["sessions"]
    assert [(s["browser"], s["os"], s["current"]) for s in sessions] == [
        ("Firefox 133", "Ubuntu", True), ("Mobile Safari 17", "iOS 17", False)]
    assert {s["ip"] for s in sessions} == {"127.0.0.0/24"}
    from_safari = safari.get("/api/me/sessions").json()["sessions"]
    assert [(s["browser"], s["current"]) for s in from_safari] == [
        ("Mobile Safari 17", True), ("Firefox 133", False)]
    assert {s["id"] for s in sessions} == {s["id"] for s in from_safari}
    # The ids are neither cookie values nor anything else the browsers hold.
    cookies = {c.value for b in (firefox, safari) for c in b.cookies}
    assert not {s["id"] for s in sessions} & cookies
    assert len(bob.get("/api/me/sessions").json()["sessions"]) == 1


def test_last_active_follows_the_other_browser(two_browsers):
    firefox, safari = two_browsers
    [_, before] = firefox.get("/api/me/sessions").json()["sessions"]
    time.sleep(2.1)  # the last-seen time is rewritten at most every 2 s (idle 8 s / 4)
    assert safari.get("/bff/user").status_code == 200

    def moved() -> bool:
        [_, after] = firefox.get("/api/me/sessions").json()["sessions"]
        return after["last_active"] > before["last_active"]

    wait_until(moved, "Safari's last activity to show in Firefox's list", seconds=10)


def test_ending_the_other_session_signs_it_out(two_browsers):
    firefox, safari = two_browsers
    [mine, other] = firefox.get("/api/me/sessions").json()["sessions"]
    ended = firefox.delete(f"/api/me/sessions/{other['id']}")
    assert ended.status_code == 200, ended.text
    assert [s["id"] for s in ended.json()["sessions"]] == [mine["id"]]
    assert safari.get("/bff/user").status_code == 401
    assert safari.get("/api/me").json()["code"] == "login_required"
    assert firefox.get("/bff/user").status_code == 200
    again = firefox.delete(f"/api/me/sessions/{other['id']}")
    assert again.status_code == 404 and again.json()["code"] == "session_not_found"
    own = firefox.delete(f"/api/me/sessions/{mine['id']}")
    assert own.status_code == 400 and own.json()["code"] == "current_session"


def test_sign_out_others_keeps_only_this_one(two_browsers, new_api):
    firefox, safari = two_browsers
    third = new_api()
    answer = firefox.post("/api/me/sessions/sign-out-others")
    assert answer.status_code == 200, answer.text
    assert answer.json()["ended"] == 2
    assert [s["current"] for s in answer.json()["sessions"]] == [True]
    assert safari.get("/bff/user").status_code == 401
    assert third.get("/bff/user").status_code == 401
    assert firefox.get("/bff/user").status_code == 200


def test_ending_a_session_needs_a_recent_sign_in(make_bff, new_api):
    make_bff(STEP_UP_MAX_AGE=str(MAX_AGE))
    firefox = new_api(user_agent=FIREFOX)
    signed_in_at = time.time()  # after the sign-in: its `auth_time` is at the second factor
    safari = new_api(user_agent=SAFARI)
    [_, other] = firefox.get("/api/me/sessions").json()["sessions"]
    wait_until_stale(signed_in_at)
    for refused in (firefox.delete(f"/api/me/sessions/{other['id']}"),
                    firefox.post("/api/me/sessions/sign-out-others")):
        assert refused.status_code == 401
        assert refused.json()["code"] == "reauthentication_required"
    assert safari.get("/bff/user").status_code == 200


@pytest.mark.parametrize("wanted", ["%C2%88.%5C", "0" * 32, "x" * 300])
def test_an_id_that_names_no_session_is_404(api, wanted):
    answer = api.delete(f"/api/me/sessions/{wanted}")
    assert answer.status_code == 404 and answer.json()["code"] == "session_not_found"
