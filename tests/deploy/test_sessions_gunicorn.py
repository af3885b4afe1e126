"""Ending a signed-in session from another browser under gunicorn (several workers):
the ended browser's next request gets 401 whichever worker takes it, on SQLite and
on Redis."""

from __future__ import annotations

import pytest
import requests

from tests.deploy.conftest import COOKIE
from tests.deploy.test_gunicorn import (
    SYNC_REDIS,
    SYNC_SQLITE,
    answering_workers,
    assert_no_token_logged,
    probe_many,
    signed_in_cookie,
)
from tests.support.login import sign_in


def firefox(version: int) -> str:
    return f"Mozilla/5.0 (X11; Linux x86_64; rv:{version}.0) Gecko/20100101 Firefox/{version}.0"


@pytest.mark.parametrize("gunicorn_server", [SYNC_SQLITE, SYNC_REDIS], indirect=True, ids=str)
@pytest.mark.parametrize("how", ["one", "all others"])
def test_ending_a_session_signs_it_out_on_every_worker(deployed, how):
    laptop, laptop_cookie = signed_in_cookie(deployed)
    # The module's server keeps alice's sessions of earlier tests: this one's browser
    # is told apart by a version of its own.
    version = 100 + len(deployed.access())
    phone = requests.Session()
    phone.headers["User-Agent"] = firefox(version)
    assert sign_in(phone, deployed.url).status_code == 200
    phone_cookie = phone.cookies[COOKIE]
    with laptop, phone:
        assert {r.status_code for _, r in probe_many(deployed, "/bff/user", phone_cookie)} \
            == {200}
        headers = {"X-CSRF": "1", "Origin": deployed.url, "Accept": "application/json"}
        _, listed = deployed.probe("/api/me/sessions", cookie=laptop_cookie, headers=headers)
        sessions = listed.json()["sessions"]
        assert sessions[0]["current"]
        [other] = [s for s in sessions if s["browser"] == f"Firefox {version}"]
        if how == "one":
            _, ended = deployed.probe(f"/api/me/sessions/{other['id']}", method="DELETE",
                                      cookie=laptop_cookie, headers=headers)
        else:
            _, ended = deployed.probe("/api/me/sessions/sign-out-others", method="POST",
                                      cookie=laptop_cookie, headers=headers)
        assert ended.status_code == 200, ended.text

        refused = probe_many(deployed, "/bff/user", phone_cookie)
        assert {r.status_code for _, r in refused} == {401}
        assert len(answering_workers(deployed, refused)) >= 2
        still = probe_many(deployed, "/bff/user", laptop_cookie)
        assert {r.status_code for _, r in still} == {200}
        assert laptop.cookies[COOKIE] == laptop_cookie
    assert_no_token_logged(deployed)
