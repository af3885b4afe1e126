"""A fast first paint: a signed-in reload of the profile takes at most three waves of
requests (the HTML; every module and the stylesheet, preloaded from the HTML; the
data, in parallel), and every module the page loads is named by a modulepreload link
the BFF generated from the entry module's imports."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bench.first_paint import LOAD_REPORT, SHOWN_SCRIPT, shown_selector_script
from tests.browser.ui_fixtures import sign_in_ui

pytestmark = pytest.mark.browser


def test_a_signed_in_reload_of_the_profile_takes_three_waves(ui_page, ui_bff, bff_server):
    page = ui_page
    sign_in_ui(page, bff_server.url)
    page.add_init_script(shown_selector_script("profile"))
    page.add_init_script(SHOWN_SCRIPT)
    page.reload()
    page.wait_for_function("() => window.__shownAt !== undefined")

    report = page.evaluate(LOAD_REPORT)
    waves = {}
    for request in report["requests"]:
        waves.setdefault(request["wave"], []).append(request["url"])
    assert report["waves"] <= 3, waves
    data = [url for url in waves.get(3, []) if not url.startswith("/static/")]
    assert sorted(data) == ["/api/me", "/bff/session"], waves  # the data, in parallel
    assert all(url.startswith("/static/") for url in waves.get(2, [])), waves


def test_every_module_the_page_loads_is_preloaded_from_the_html(ui_page, ui_bff, bff_server):
    page = ui_page
    sign_in_ui(page, bff_server.url)
    expect(page.get_by_role("heading", level=1, name="Profile")).to_be_visible()
    preloaded = page.evaluate("""() => [...document.querySelectorAll('link[rel=modulepreload]')]
        .map((link) => new URL(link.href).pathname)""")
    loaded = page.evaluate("""() => performance.getEntriesByType('resource')
        .map((entry) => new URL(entry.name)).filter((url) => url.pathname.endsWith('.js'))
        .map((url) => url.pathname)""")
    assert len(preloaded) == len(set(preloaded))
    assert "/static/js/selfserve-account.js" in preloaded
    assert "/static/js/messages-de.js" in preloaded  # found through messages.js's import
    assert set(loaded) <= set(preloaded), set(loaded) - set(preloaded)
    # Only what the SPA imports: the embedding pages' own scripts are not preloaded.
    assert not [path for path in preloaded if "/embed-" in path]
    stylesheet = page.locator('link[rel=preload][as=style]').get_attribute("href")
    assert stylesheet == "/static/css/account.css"
