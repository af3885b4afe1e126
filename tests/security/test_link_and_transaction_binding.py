"""Binding of sign-in and link transactions to the browser that started them, in the
cases the auth tests do not cover: an attacker's *link* response opened in a victim's
signed-in browser (it would attach the attacker's sign-in to the victim's account), a
transaction's cookie holding another transaction's binding, and the form_post resume
handle used twice or from another browser."""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from app.auth.flow import binding_cookie_name
from app.config import load_settings
from tests.support.login import sign_in
from tests.support.tenant import (
    answer_second_factor,
    parse_forms,
    past_second_factor,
    submit_form,
)

API = {"Accept": "application/json"}


def link_callback_url(http: requests.Session, bff_url: str) -> str:
    """Start /link/github as alice-gh and stop before the BFF's /link/callback (code flow)."""
    page = http.get(f"{bff_url}/link/github", timeout=10)
    answer = submit_form(http, page, account="alice-gh")
    location = urljoin(answer.url, answer.headers["Location"])
    while "/link/callback" not in location:
        answer = http.get(location, allow_redirects=False, timeout=10)
        location = urljoin(answer.url, answer.headers["Location"])
    return location


def pending(http: requests.Session, bff_url: str) -> int:
    return http.get(bff_url + "/api/me/link", headers=API, timeout=10).status_code


def test_an_attackers_link_response_in_a_victims_browser_links_nothing(bff, bff_server, hooks):
    bff_url = bff_server.url
    with requests.Session() as attacker, requests.Session() as victim:
        sign_in(attacker, bff_url, "bob@example.com", "bob-demo-password")
        url = link_callback_url(attacker, bff_url)
        sign_in(victim, bff_url)
        response = victim.get(url, timeout=10)
        assert response.status_code == 400
        assert "<code>transaction_not_bound</code>" in response.text
        assert pending(victim, bff_url) == 404
        assert victim.get(bff_url + "/bff/user", timeout=10).status_code == 200


def test_the_link_response_needs_the_session_that_started_it(bff, bff_server, hooks, tenant):
    """Same browser, but it signed out and in as someone else meanwhile."""
    bff_url = bff_server.url
    with requests.Session() as http:
        sign_in(http, bff_url)
        url = link_callback_url(http, bff_url)
        http.cookies.clear(domain="127.0.0.1")  # no SSO at the tenant: sign in as bob
        sign_in(http, bff_url, "bob@example.com", "bob-demo-password")
        response = http.get(url, timeout=10)
        assert response.status_code == 400
        assert "<code>link_session_changed</code>" in response.text
        assert pending(http, bff_url) == 404


def test_another_transactions_binding_under_this_transactions_cookie_is_refused(
    bff, bff_env, bff_server, hooks
):
    """Each transaction has its own binding value: one cookie cannot unlock another."""
    bff_url = bff_server.url
    settings = load_settings(bff_env)
    with requests.Session() as http:
        first = http.get(bff_url + "/login", allow_redirects=False, timeout=10)
        second = http.get(bff_url + "/login", allow_redirects=False, timeout=10)
        states = [parse_qs(urlsplit(r.headers["Location"]).query)["state"][0]
                  for r in (first, second)]
        names = [binding_cookie_name(settings, s) for s in states]
        values = [http.cookies.get(n, domain="localhost.local") for n in names]
        assert all(values) and values[0] != values[1]
        # Sign in on the first transaction's page, but hold the second one's binding.
        page = http.get(first.headers["Location"], timeout=10)
        http.cookies.set(names[0], values[1], domain="localhost.local")
        form = next(f for f in parse_forms(page.text) if "password" in f.fields)
        answer = http.post(urljoin(page.url, form.action),
                           data={**form.fields, "username": "alice@example.com",
                                 "password": "alice-demo-password"}, timeout=10)
        answer = answer_second_factor(http, answer)
        assert answer.status_code == 400
        assert "<code>transaction_not_bound</code>" in answer.text
        assert http.get(bff_url + "/bff/user", timeout=10).status_code == 401


@pytest.fixture
def implicit(make_bff, bff_server) -> str:
    make_bff(AUTH0_FLOW="implicit")
    return bff_server.url


def form_post_resume(http: requests.Session, bff_url: str) -> str:
    """Sign in (implicit flow) up to the BFF's 303 to /callback?resume=...; that URL."""
    page = http.get(bff_url + "/login", timeout=10)
    form = next(f for f in parse_forms(page.text) if "password" in f.fields)
    posted_page = http.post(urljoin(page.url, form.action),
                            data={**form.fields, "username": "alice@example.com",
                                  "password": "alice-demo-password"}, timeout=10)
    posted_page = answer_second_factor(http, posted_page)
    posted = next(f for f in parse_forms(posted_page.text) if "id_token" in f.fields)
    parked = http.post(urljoin(posted_page.url, posted.action), data=posted.fields,
                       allow_redirects=False, timeout=10)
    assert parked.status_code == 303
    location = parked.headers["Location"]
    assert "resume=" in location and "token" not in location
    return urljoin(bff_url, location)


def test_a_resume_handle_opened_in_another_browser_signs_nobody_in(implicit, hooks):
    with requests.Session() as browser, requests.Session() as other:
        url = form_post_resume(browser, implicit)
        response = other.get(url, timeout=10)
        assert response.status_code == 400
        assert "<code>transaction_not_bound</code>" in response.text
        assert other.get(implicit + "/bff/user", timeout=10).status_code == 401
        # Refused without being consumed: the browser that started the sign-in still
        # finishes it (whoever learns a handle or a state cannot burn the sign-in)...
        assert browser.get(url, timeout=10).status_code == 200
        assert browser.get(implicit + "/bff/user", timeout=10).status_code == 200
        # ...and only once.
        assert browser.get(url, timeout=10).status_code == 400


def test_a_resume_handle_works_once(implicit, hooks):
    with requests.Session() as http:
        url = form_post_resume(http, implicit)
        assert http.get(url, timeout=10).status_code == 200
        again = http.get(url, timeout=10)
        assert again.status_code == 400
        assert "<code>invalid_state</code>" in again.text


def callback_url(http: requests.Session, bff_url: str) -> str:
    """Sign in (code flow, with alice's second factor) up to the tenant's redirect to
    /callback; that URL, not opened."""
    page = http.get(bff_url + "/login", timeout=10)
    form = next(f for f in parse_forms(page.text) if "password" in f.fields)
    answer = http.post(urljoin(page.url, form.action), allow_redirects=False, timeout=10,
                       data={**form.fields, "username": "alice@example.com",
                             "password": "alice-demo-password"})
    answer = past_second_factor(http, answer)  # alice's enrolled authenticator
    location = urljoin(answer.url, answer.headers["Location"])
    while not location.startswith(bff_url + "/callback"):
        answer = http.get(location, allow_redirects=False, timeout=10)
        location = urljoin(answer.url, answer.headers["Location"])
    return location


def test_a_callback_without_the_browsers_binding_burns_nothing(bff, bff_env, bff_server, hooks):
    """Whoever learns the state (and code) cannot burn the sign-in: a callback with no
    binding cookie, or another one, is refused and consumes nothing (issue 8, item 7)."""
    bff_url = bff_server.url
    settings = load_settings(bff_env)
    with requests.Session() as browser:
        url = callback_url(browser, bff_url)
        state = parse_qs(urlsplit(url).query)["state"][0]
        with requests.Session() as stranger:
            refused = stranger.get(url, timeout=10)
            assert refused.status_code == 400
            assert "<code>transaction_not_bound</code>" in refused.text
            stranger.cookies.set(binding_cookie_name(settings, state), "another-binding",
                                 domain="localhost.local")
            refused = stranger.get(url, timeout=10)
            assert "<code>transaction_not_bound</code>" in refused.text
            assert stranger.get(bff_url + "/bff/user", timeout=10).status_code == 401

        page = browser.get(url, timeout=10)
        assert page.status_code == 200 and page.url == bff_url + "/", page.text[:300]
        assert browser.get(bff_url + "/bff/user", timeout=10).status_code == 200
