"""Every redirect target the BFF derives from a request stays on this app: `returnTo`
(query or `X-Return-To`) with the usual open-redirect tricks, at the root and mounted
under a prefix, and the "Try again" link of the error page under a prefix."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask

from app.extension import SelfServe
from tests.support.login import sign_in
from tests.support.servers import LiveServer, free_port

HOSTILE = [
    "https://evil.example/",
    "http:/evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    "/%2F%2Fevil.example",
    "/%5C%5Cevil.example",
    "/%2F/evil.example",
    "\uff0f\uff0fevil.example",
    "/\u3002/evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
    "/" + "a" * 5000,
]


def return_to_in(login_url: str) -> str:
    return parse_qs(urlsplit(login_url).query)["returnTo"][0]


def assert_stays_on_this_app(target: str, prefix: str = "") -> None:
    """What a browser would resolve `target` to is a path of this origin under `prefix`."""
    assert target.startswith(prefix + "/"), target
    # WHATWG URL parsing treats "\" as "/" and drops tabs and newlines.
    squashed = target.replace("\\", "/").replace("\t", "").replace("\r", "").replace("\n", "")
    assert not squashed.startswith("//"), target
    assert not urlsplit(squashed).netloc, target


@pytest.mark.parametrize("asked", HOSTILE)
def test_hostile_return_to_in_the_query_gives_a_path_of_this_app(bff, http, asked):
    response = http.get(http.bff_url + "/bff/user", params={"returnTo": asked}, timeout=10)
    assert response.status_code == 401
    assert_stays_on_this_app(return_to_in(response.json()["login_url"]))


@pytest.mark.parametrize("asked", [v for v in HOSTILE if v.isascii() and v == v.strip()
                                   and "\r" not in v and "\t" not in v])
def test_hostile_x_return_to_gives_a_path_of_this_app(bff, http, asked):
    response = http.get(http.bff_url + "/bff/user", headers={"X-Return-To": asked}, timeout=10)
    assert response.status_code == 401
    assert_stays_on_this_app(return_to_in(response.json()["login_url"]))


@pytest.mark.parametrize("asked", ["/%2F%2Fevil.example", "/%5Cevil.example",
                                   "/\u3002/evil.example", "///evil.example"])
def test_after_sign_in_the_redirect_stays_on_this_app(bff, http, hooks, asked):
    page = sign_in(http, http.bff_url, return_to=asked)
    assert urlsplit(page.url).netloc == urlsplit(http.bff_url).netloc
    for hop in page.history:
        location = hop.headers.get("Location", "")
        if hop.url.startswith(http.bff_url + "/callback"):
            assert_stays_on_this_app(location)


# --- mounted under a prefix -------------------------------------------------------------

@pytest.fixture(scope="module")
def mounted(tmp_path_factory):
    """The BFF mounted at /account in a host site; the tenant is a closed port."""
    server = LiveServer(url_host="localhost")
    env = {
        "AUTH0_DOMAIN": f"http://127.0.0.1:{free_port()}",
        "AUTH0_CLIENT_ID": "selfserve-demo-bff",
        "AUTH0_CLIENT_SECRET": "not-used",
        "APP_SECRET_KEY": secrets.token_urlsafe(48),
        "DATA_DIR": str(tmp_path_factory.mktemp("data")),
        "PUBLIC_URL": server.url,
        "HTTP_TIMEOUT": "2",
    }
    site = Flask("host_site")

    @site.get("/login")
    def host_login():
        return "the host site's own login page"

    SelfServe(site, url_prefix="/account", env=env)
    server.serve(site)
    yield server.url
    server.stop()


@pytest.mark.parametrize("asked", HOSTILE + ["/account/../../evil", "/accountevil"])
def test_under_a_prefix_hostile_return_to_stays_under_the_prefix(mounted, asked):
    response = requests.get(mounted + "/account/bff/user", params={"returnTo": asked},
                            timeout=10)
    assert response.status_code == 401
    login_url = response.json()["login_url"]
    assert login_url.startswith("/account/login?")
    assert_stays_on_this_app(return_to_in(login_url), prefix="/account")


def test_under_a_prefix_the_error_pages_try_again_link_keeps_the_prefix(mounted):
    """The tenant is down: the 503 page's "Try again" must restart the BFF's sign-in,
    not send the user to the host site's own /login."""
    url = mounted + "/account/login?returnTo=/devices"
    response = requests.get(url, headers={"Accept": "text/html"}, timeout=10)
    assert response.status_code == 503
    assert 'href="/account/login?returnTo=/devices"' in response.text
    problem = requests.get(url, headers={"Accept": "application/json"}, timeout=10).json()
    assert problem["retry_url"] == "/account/login?returnTo=/devices"
