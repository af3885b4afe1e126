"""A sign-in never silently lands in another account (issue 8, §4.1), over real HTTP.

Linking signs in to the other identity with `prompt=login`, which leaves the tenant's
single sign-on session on it. Once the BFF session ends without the tenant's logout,
"Sign in" goes through the tenant without a form. The BFF remembers who last signed in
in this browser and asks before continuing as someone else.
"""

from __future__ import annotations

import re
import time
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from app.auth.account_switch import LAST_USER_MAX_AGE
from tests.support.login import sign_in, wait_for_the_next_second
from tests.support.tenant import (
    ALICE,
    BOB,
    answer_second_factor,
    follow_to,
    parse_forms,
    past_second_factor,
    submit_form,
)

TIMEOUT = 10


def user_of(http: requests.Session, bff_url: str) -> dict | None:
    answer = http.get(bff_url + "/bff/user", timeout=TIMEOUT)
    return answer.json()["user"] if answer.status_code == 200 else None


def end_bff_session_only(http: requests.Session, bff_url: str) -> None:
    """POST /logout without following it to the tenant: the tenant's session stays, as
    when the BFF session times out."""
    answer = http.post(bff_url + "/logout", headers={"X-CSRF": "1", "Origin": bff_url},
                       allow_redirects=False, timeout=TIMEOUT)
    assert answer.status_code == 303
    assert user_of(http, bff_url) is None


def link_github_and_walk_away(http: requests.Session, bff_url: str) -> None:
    """Alice signs in, signs in to alice-gh to link it (left pending), and her BFF session
    ends; the tenant's session is now alice-gh's."""
    assert sign_in(http, bff_url).status_code == 200
    stand_in = http.get(bff_url + "/link/github", timeout=TIMEOUT)
    pending = submit_form(http, stand_in, allow_redirects=True, account="alice-gh")
    assert pending.url == bff_url + "/linked-accounts?pending=1", pending.url
    linked_at = time.time()
    end_bff_session_only(http, bff_url)
    wait_for_the_next_second(linked_at)


def choice_page(http: requests.Session, bff_url: str) -> requests.Response:
    page = http.get(bff_url + "/login", params={"returnTo": "/profile"}, timeout=TIMEOUT)
    assert page.url == bff_url + "/login/choose", page.url
    assert page.status_code == 200
    return page


def test_a_silent_sign_in_as_another_account_stops_and_asks(bff, bff_server, hooks):
    bff_url = bff_server.url
    with requests.Session() as http:
        link_github_and_walk_away(http, bff_url)
        page = choice_page(http, bff_url)
        assert "You are about to continue as" in page.text
        assert "Sign in as alice@example.com" in page.text
        assert page.headers["Cache-Control"] == "no-store"
        assert "eyJ" not in page.text  # no token on the page
        assert user_of(http, bff_url) is None  # nobody is signed in yet


def test_sign_in_as_the_last_user_asks_the_tenant_for_a_login_form(bff, bff_server, hooks):
    bff_url = bff_server.url
    with requests.Session() as http:
        link_github_and_walk_away(http, bff_url)
        page = choice_page(http, bff_url)
        href = unescape(re.search(r'id="sign-in-as-previous" href="([^"]+)"', page.text)[1])
        to_tenant = http.get(urljoin(page.url, href), allow_redirects=False, timeout=TIMEOUT)
        assert to_tenant.status_code == 302
        query = parse_qs(urlsplit(to_tenant.headers["Location"]).query)
        assert query["prompt"] == ["login"] and query["login_hint"] == ["alice@example.com"]
        login = http.get(to_tenant.headers["Location"], timeout=TIMEOUT)
        assert 'value="alice@example.com"' in login.text  # the form is prefilled
        asked = submit_form(http, login, allow_redirects=True, password=ALICE[1])
        done = answer_second_factor(http, asked)  # alice's enrolled authenticator
        assert done.url == bff_url + "/profile", done.url
        assert user_of(http, bff_url)["email"] == "alice@example.com"
        # The parked sign-in as alice-gh is gone: it cannot be completed any more.
        late = http.post(bff_url + "/login/continue", headers={"Origin": bff_url},
                         timeout=TIMEOUT)
        assert late.status_code == 400 and "sign_in_choice_expired" in late.text
        assert user_of(http, bff_url)["email"] == "alice@example.com"


def test_continue_completes_the_sign_in_as_the_other_account(bff, bff_server, hooks):
    bff_url = bff_server.url
    with requests.Session() as http:
        link_github_and_walk_away(http, bff_url)
        page = choice_page(http, bff_url)
        (form,) = parse_forms(page.text)
        # As a browser submits the page's form: a POST with its Origin, no CSRF header.
        done = http.post(urljoin(page.url, form.action), data=form.fields, timeout=TIMEOUT,
                         headers={"Origin": bff_url})
        assert done.url == bff_url + "/profile", done.url
        user = user_of(http, bff_url)
        assert user["sub"].startswith("github|")
        # The choice is now this browser's last user: the next silent sign-in goes through.
        end_bff_session_only(http, bff_url)
        again = http.get(bff_url + "/login", timeout=TIMEOUT)
        assert again.url == bff_url + "/", again.url
        assert user_of(http, bff_url)["sub"] == user["sub"]


def test_the_choice_cannot_be_made_from_another_site(bff, bff_server, hooks):
    bff_url = bff_server.url
    with requests.Session() as http:
        link_github_and_walk_away(http, bff_url)
        choice_page(http, bff_url)
        forged = http.post(bff_url + "/login/continue", timeout=TIMEOUT,
                           headers={"Origin": "http://127.0.0.1:9", "Accept": "text/html"})
        assert forged.status_code == 403 and "csrf_failed" in forged.text
        without_origin = http.post(bff_url + "/login/continue", timeout=TIMEOUT)
        assert without_origin.status_code == 403
        assert user_of(http, bff_url) is None
        # The choice is still open for the user's own page.
        assert choice_page(http, bff_url).status_code == 200


def test_another_browser_cannot_complete_the_choice(bff, bff_server, hooks):
    bff_url = bff_server.url
    with requests.Session() as http, requests.Session() as other:
        link_github_and_walk_away(http, bff_url)
        choice_page(http, bff_url)
        stolen = other.post(bff_url + "/login/continue", headers={"Origin": bff_url},
                            timeout=TIMEOUT)
        assert stolen.status_code == 400 and "sign_in_choice_expired" in stolen.text
        assert user_of(other, bff_url) is None


def test_a_login_form_filled_in_for_another_account_is_not_questioned(bff, bff_server,
                                                                      hooks):
    """Bob typing his password after alice signed out properly is a deliberate choice."""
    bff_url = bff_server.url
    with requests.Session() as http:
        assert sign_in(http, bff_url).status_code == 200
        answer = http.post(bff_url + "/logout", headers={"X-CSRF": "1", "Origin": bff_url},
                           timeout=TIMEOUT)  # through the tenant's logout: its session ends
        assert answer.status_code == 200
        done = sign_in(http, bff_url, *BOB)
        assert done.url == bff_url + "/", done.url
        assert user_of(http, bff_url)["email"] == "bob@example.com"


def test_the_same_account_signs_in_silently_as_before(bff, bff_server, hooks):
    bff_url = bff_server.url
    with requests.Session() as http:
        assert sign_in(http, bff_url).status_code == 200
        signed_in_at = time.time()
        end_bff_session_only(http, bff_url)
        wait_for_the_next_second(signed_in_at)
        again = http.get(bff_url + "/login", timeout=TIMEOUT)
        assert again.url == bff_url + "/", again.url
        assert user_of(http, bff_url)["email"] == "alice@example.com"


def test_the_last_user_cookie_holds_no_token_and_no_user_id(bff, bff_server, hooks):
    bff_url = bff_server.url
    with requests.Session() as http:
        login = http.get(bff_url + "/login", timeout=TIMEOUT)
        answer = submit_form(http, login, username=ALICE[0], password=ALICE[1])
        answer = past_second_factor(http, answer)  # alice's enrolled authenticator
        callback = follow_to(http, answer, bff_url + "/")  # the tenant's redirect to us
        callback = http.get(urljoin(callback.url, callback.headers["Location"]),
                            allow_redirects=False, timeout=TIMEOUT)
        assert callback.status_code == 303, callback.text[:300]
        header = next(h for h in callback.raw.headers.getlist("Set-Cookie")
                      if h.startswith("selfserve-last-user="))
        sub = user_of(http, bff_url)["sub"]
        assert "eyJ" not in header  # nothing that looks like a JWT or JSON
        assert sub not in header and sub.split("|")[1] not in header
        assert "alice%40example.com" in header  # the display hint, for the choice page
        flags = header.lower()
        assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
        assert f"max-age={LAST_USER_MAX_AGE}" in flags


@pytest.mark.parametrize("cookie", ["garbage", "0123abcd.bob%40example.com.forged.signature"])
def test_a_forged_last_user_cookie_is_ignored(bff, bff_server, hooks, cookie):
    bff_url = bff_server.url
    with requests.Session() as http:
        http.cookies.set("selfserve-last-user", cookie)
        assert sign_in(http, bff_url).status_code == 200
        assert user_of(http, bff_url)["email"] == "alice@example.com"


def test_after_link_and_unlink_the_next_sign_in_asks_too(bff, bff_server, hooks):
    """The issue's report: link GitHub, unlink it, the session ends; "Sign in" went
    through the tenant silently as github|... with an empty profile."""
    bff_url = bff_server.url
    api_headers = {"X-CSRF": "1", "Origin": bff_url, "Accept": "application/json"}
    with requests.Session() as http:
        assert sign_in(http, bff_url).status_code == 200
        stand_in = http.get(bff_url + "/link/github", timeout=TIMEOUT)
        submit_form(http, stand_in, allow_redirects=True, account="alice-gh")
        linked = http.post(bff_url + "/api/me/link", json={"copy_metadata": False},
                           headers=api_headers, timeout=TIMEOUT)
        assert linked.status_code == 201, linked.text
        github = next(i for i in linked.json()["identities"] if i["provider"] == "github")
        unlinked = http.delete(f"{bff_url}/api/me/identities/github/{github['user_id']}",
                               headers=api_headers, timeout=TIMEOUT)
        assert unlinked.status_code == 200, unlinked.text
        done_at = time.time()
        end_bff_session_only(http, bff_url)
        wait_for_the_next_second(done_at)
        page = choice_page(http, bff_url)
        assert "Sign in as alice@example.com" in page.text
        assert user_of(http, bff_url) is None


def test_a_silent_renewal_does_not_switch_the_account_either(bff, bff_server, hooks):
    """`prompt=none` (what the SPA follows when a session needs renewing) after a link
    step would come back as the linked account: it stops at the choice too."""
    bff_url = bff_server.url
    with requests.Session() as http:
        assert sign_in(http, bff_url).status_code == 200
        stand_in = http.get(bff_url + "/link/github", timeout=TIMEOUT)
        submit_form(http, stand_in, allow_redirects=True, account="alice-gh")
        wait_for_the_next_second(time.time())
        renewal = http.get(bff_url + "/login", params={"prompt": "none"}, timeout=TIMEOUT)
        assert renewal.url == bff_url + "/login/choose", renewal.url
        assert "Sign in as alice@example.com" in renewal.text
        # Alice's session is untouched until she chooses.
        assert user_of(http, bff_url)["email"] == "alice@example.com"
