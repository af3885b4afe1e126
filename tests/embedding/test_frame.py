"""The iframe page: framed only by EMBED_ALLOWED_ORIGINS, and no inline code anywhere."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.embedding.conftest import HOST_ORIGIN, OTHER_ORIGIN, start_server

ROOT = Path(__file__).resolve().parents[2]


def frame_ancestors(response) -> list[str]:
    csp = response.headers["Content-Security-Policy"]
    directive = next(d.strip() for d in csp.split(";") if d.strip().startswith("frame-ancestors"))
    return directive.split()[1:]


def test_the_iframe_page_may_be_framed_by_allowed_origins_only(bff_url, http):
    response = http.get(bff_url + "/embed", timeout=10)

    assert response.status_code == 200
    assert frame_ancestors(response) == ["'self'", HOST_ORIGIN]
    assert "X-Frame-Options" not in response.headers  # it would override frame-ancestors
    assert f'data-allowed-origins="{HOST_ORIGIN}"' in response.text
    assert "/static/js/embed-frame.js" in response.text


def test_without_allowed_origins_only_the_app_itself_may_frame_it(servers, embed_env, http):
    from app import create_app

    embed_env["EMBED_ALLOWED_ORIGINS"] = ""
    server = start_server(servers, create_app(embed_env))
    response = http.get(server.url + "/embed", timeout=10)

    assert frame_ancestors(response) == ["'self'"]
    assert 'data-allowed-origins=""' in response.text


@pytest.mark.parametrize("path", ["/", "/profile", "/metadata", "/linked-accounts",
                                  "/security", "/devices"])
def test_every_view_url_serves_the_shell(bff_url, http, path):
    response = http.get(bff_url + path, timeout=10)

    assert response.status_code == 200
    assert "<selfserve-account" in response.text
    assert 'routing="history"' in response.text


def test_the_link_pop_up_ends_on_a_page_that_posts_to_the_checked_opener_only(bff_url, http):
    for opener in (HOST_ORIGIN, bff_url):  # the element's host page, or the iframe page
        response = http.get(bff_url + "/embed/link-pending", params={"opener": opener},
                            timeout=10)

        assert response.status_code == 200
        assert f'data-opener-origin="{opener}"' in response.text
        assert "/static/js/embed-link-pending.js" in response.text
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("opener", [OTHER_ORIGIN, HOST_ORIGIN + "/", "*", "", None])
def test_the_link_pop_up_refuses_an_opener_that_may_not_embed(bff_url, http, opener):
    response = http.get(bff_url + "/embed/link-pending", params={"opener": opener},
                        headers={"Accept": "application/json"}, timeout=10)

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "origin_not_allowed"
    assert "data-opener-origin" not in response.text


def test_an_unknown_path_is_not_the_shell(bff_url, http):
    response = http.get(bff_url + "/no-such-view", timeout=10)

    assert response.status_code == 404


class _InlineFinder(HTMLParser):
    """Collects what a `script-src 'self'; style-src 'self'` policy would block."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "style":
            self.blocked.append("<style>")
        if "style" in names:
            self.blocked.append(f"style= on <{tag}>")
        self.blocked += [f"{name}= on <{tag}>" for name in names if name.startswith("on")]
        self._in_script = tag == "script" and "src" not in names

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.blocked.append("inline <script>")


@pytest.mark.parametrize("path", ["/", "/embed", "/embed/signed-in",
                                  f"/embed/link-pending?opener={HOST_ORIGIN}"])
def test_pages_have_nothing_the_csp_would_block(bff_url, http, path):
    finder = _InlineFinder()
    finder.feed(http.get(bff_url + path, timeout=10).text)

    assert finder.blocked == []


def test_every_message_the_ui_asks_for_is_in_the_message_table():
    table = (ROOT / "static/js/messages.js").read_text()
    keys = set(re.findall(r'^\s*"([\w.-]+)":', table, re.M))
    used: set[str] = set()
    for source in (ROOT / "static/js").rglob("*.js"):
        used |= set(re.findall(r'\bt\("([\w.-]+)"', source.read_text()))
    # Keys built from a view or feature name.
    views = re.findall(r'name: "([\w-]+)", tag:', (ROOT / "static/js/routes.js").read_text())
    features = re.findall(r'feature: "(\w+)"', (ROOT / "static/js/routes.js").read_text())
    used |= {f"nav.{v}" for v in views} | {f"feature.{f}" for f in features}

    assert used, "found no messages: the pattern is wrong"
    assert sorted(used - keys) == []


def test_the_ui_never_parses_markup_from_strings():
    # User data (metadata, names, emails) must always become text nodes.
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "static/js").rglob("*.js")
        if re.search(r"\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|\beval\(|new Function\(",
                     path.read_text())
    ]
    assert offenders == []
