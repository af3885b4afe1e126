"""Every view of the account UI, signed in as alice: content, navigation, focus,
accessibility (axe-core), phone width and dark mode; a screenshot of each view."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.ui_fixtures import open_view, screenshot

pytestmark = pytest.mark.browser

VIEWS = [
    ("profile", "Profile"),
    ("metadata", "Preferences"),
    ("linked-accounts", "Linked accounts"),
    ("security", "Sign-in methods"),
    ("devices", "Devices"),
]
BLOCKING_IMPACTS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def wait_loaded(page) -> None:
    expect(page.locator("[aria-busy=true]")).to_have_count(0)


def test_signed_out_visitors_see_a_sign_in_screen(ui_page, ui_bff, bff_server):
    ui_page.goto(bff_server.url + "/metadata")

    expect(ui_page.get_by_role("heading", name="Sign in to manage your account")).to_be_visible()
    expect(ui_page.get_by_role("button", name="Sign in")).to_be_visible()
    screenshot(ui_page, "signed-out")
    assert serious_violations(ui_page) == []


def test_every_view_shows_its_content_passes_axe_and_is_captured(alice_page, bff_server):
    page = alice_page
    expect(page.get_by_text("alice@example.com").first).to_be_visible()
    expect(page.get_by_text("Verified")).to_be_visible()
    expect(page.get_by_text("Email and password").first).to_be_visible()
    expect(page.get_by_text("Set by the site")).to_be_visible()

    expected = {
        "metadata": page.locator(".meta-row"),
        "linked-accounts": page.get_by_role("button", name="Link GitHub"),
        "security": page.get_by_role("button", name="Remove"),
        "devices": page.get_by_role("button", name="Register this browser"),
    }
    for name, title in VIEWS:
        if name != "profile":
            open_view(page, title)
            assert page.url == f"{bff_server.url}/{name}"
            expect(expected[name].first).to_be_visible()
        wait_loaded(page)
        assert page.title() == f"{title} · Your account"
        expect(page.locator(f'a[data-view="{name}"]')).to_have_attribute("aria-current", "page")
        assert serious_violations(page) == [], name
        screenshot(page, f"view-{name}")


def test_back_and_forward_follow_the_views_and_a_deep_link_opens_its_view(alice_page, bff_server):
    page = alice_page
    open_view(page, "Sign-in methods")
    open_view(page, "Devices")

    page.go_back()
    expect(page.get_by_role("heading", level=1, name="Sign-in methods")).to_be_visible()
    assert page.url.endswith("/security")
    page.goto(bff_server.url + "/linked-accounts")
    expect(page.get_by_role("heading", level=1, name="Linked accounts")).to_be_visible()


def test_the_navigation_works_from_the_keyboard(alice_page):
    page = alice_page
    link = page.get_by_role("navigation").get_by_role("link", name="Preferences")
    link.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="Preferences")).to_be_focused()
    wait_loaded(page)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { let e = document.activeElement;"
        " while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;"
        " return e && e.tagName; }")
    assert focused in ("INPUT", "SELECT", "TEXTAREA", "BUTTON")


@pytest.mark.parametrize("scheme,width", [("dark", 1200), ("light", 390), ("dark", 390)])
def test_views_at_phone_width_and_in_dark_mode(browser, ui_bff, bff_server, scheme, width):
    from tests.browser.ui_fixtures import sign_in_ui

    context = browser.new_context(viewport={"width": width, "height": 844}, color_scheme=scheme)
    try:
        page = context.new_page()
        sign_in_ui(page, bff_server.url)
        for name, title in VIEWS:
            page.goto(f"{bff_server.url}/{name}")
            expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
            wait_loaded(page)
            no_sideways_scroll = page.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth")
            assert no_sideways_scroll, f"{name} scrolls sideways at {width}px"
            assert serious_violations(page) == [], (name, scheme, width)
            screenshot(page, f"view-{name}-{scheme}-{width}")
    finally:
        context.close()
