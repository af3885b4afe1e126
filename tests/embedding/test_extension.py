"""SelfServe: the whole account service mounted in a host Flask site under a prefix."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string

from app.extension import SelfServe
from tests.embedding.conftest import start_server


def host_site(env: dict[str, str], prefix: str = "/account") -> Flask:
    """A host site's app factory, as its owner would write it."""
    site = Flask("host_site")
    site.config["SECRET_KEY"] = "host-own-secret"

    @site.get("/")
    def home():
        return render_template_string('<a href="{{ selfserve_url("profile") }}">My account</a>')

    SelfServe(site, url_prefix=prefix, env=env)
    return site


@pytest.fixture
def mounted(servers, embed_env):
    server = start_server(servers)
    embed_env["PUBLIC_URL"] = server.url
    site = host_site(embed_env)
    server.serve(site)
    return server.url, site


def test_the_host_keeps_its_own_pages_and_links_to_the_account(mounted, http):
    url, _ = mounted
    response = http.get(url + "/", timeout=10)

    assert response.status_code == 200
    assert response.text == '<a href="/account/profile">My account</a>'


@pytest.mark.parametrize("path", ["/account/", "/account/profile", "/account/devices"])
def test_the_shell_is_served_under_the_prefix_with_its_base_path(mounted, http, path):
    url, _ = mounted
    response = http.get(url + path, timeout=10)

    assert response.status_code == 200
    assert 'base="/account"' in response.text
    assert 'src="/account/static/js/selfserve-account.js"' in response.text
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_static_files_and_the_api_answer_under_the_prefix(mounted, http):
    url, _ = mounted
    script = http.get(url + "/account/static/js/selfserve-account.js", timeout=10)
    user = http.get(url + "/account/bff/user", timeout=10)

    assert script.status_code == 200
    assert "customElements.define" in script.text
    assert user.status_code == 401
    assert user.json()["login_url"].startswith("/account/login?")


def test_paths_outside_the_prefix_are_not_the_account_service(mounted, http):
    url, _ = mounted

    assert http.get(url + "/bff/user", timeout=10).status_code == 404
    assert http.get(url + "/profile", timeout=10).status_code == 404


def test_init_app_later_and_the_extension_handle(embed_env):
    site = Flask("late_host")
    extension = SelfServe(url_prefix="/me/", env=embed_env)
    extension.init_app(site)

    assert site.extensions["selfserve"] is extension
    assert extension.url_prefix == "/me"
    assert extension.url("security") == "/me/security"
    assert extension.app is not None and extension.app is not site


def test_a_root_prefix_is_refused(embed_env):
    with pytest.raises(ValueError, match="url_prefix"):
        SelfServe(Flask("root_host"), url_prefix="/", env=embed_env)


def test_the_flask_mount_example_serves_its_home_and_the_account(servers, embed_env, http):
    from examples.flask_mount.host import create_app

    server = start_server(servers)
    embed_env["PUBLIC_URL"] = server.url
    server.serve(create_app(embed_env))

    home = http.get(server.url + "/", timeout=10)
    shell = http.get(server.url + "/account/security", timeout=10)

    assert 'href="/account/profile"' in home.text
    assert 'base="/account"' in shell.text
