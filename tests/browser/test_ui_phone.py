"""Every screen at phone width (390 px), in light and dark, in both languages: every
section is in sight and reachable without sideways scrolling, tables fit or reflow,
nothing is clipped; long ids and names wrap only where they must. Screenshots of
each go to artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui_views import VIEWS, serious_violations, wait_loaded
from tests.browser.ui_fixtures import screenshot, sign_in_ui

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TITLES = {
    "en": dict(VIEWS),
    "de": {"profile": "Profil", "metadata": "Einstellungen", "linked-accounts": "Verknüpfte Konten",
           "security": "Anmeldemethoden", "devices": "Geräte"},
}

#: Elements inside the account UI whose content is wider than their box while their
#: overflow hides or scrolls it: clipped or sideways-scrolled content.
CLIPPED = """() => {
  const root = document.querySelector('selfserve-account').shadowRoot;
  const found = [];
  for (const el of root.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || el.closest('.visually-hidden')) continue;
    if (el.matches('textarea, input, select, .visually-hidden, .avatar-initials')) continue;
    if (el.clientWidth <= 1) continue; // hidden on purpose, for screen readers only
    if (el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible') {
      found.push(`${el.tagName}.${el.className} ${el.scrollWidth}>${el.clientWidth}`);
    }
    const box = el.getBoundingClientRect();
    if (box.width && (box.right > innerWidth + 1 || box.left < -1)) {
      found.push(`${el.tagName}.${el.className} outside the screen: ${box.left}..${box.right}`);
    }
  }
  return found;
}"""

WIDER_THAN_THE_SCREEN = """() => {
  const found = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      const where = `${el.tagName}.${el.className} ${box.left}..${box.right}`;
      if (box.right > innerWidth + 1) found.push(where);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return found.slice(0, 10);
}"""

#: How many lines the text of an element takes.
LINES = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
}"""

TABS_IN_SIGHT = """() => {
  const root = document.querySelector('selfserve-account').shadowRoot;
  return [...root.querySelectorAll('.nav-link')].map((link) => {
    const box = link.getBoundingClientRect();
    return { view: link.dataset.view, left: box.left, right: box.right,
             visible: link.checkVisibility() && box.width > 0 };
  });
}"""


def assert_fits(page, label: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), \
        (f"{label} scrolls sideways", page.evaluate(WIDER_THAN_THE_SCREEN))
    assert page.evaluate(CLIPPED) == [], label
    for tab in page.evaluate(TABS_IN_SIGHT):
        assert tab["visible"] and tab["left"] >= 0 and tab["right"] <= PHONE["width"], (label, tab)


@pytest.fixture(params=["light", "dark"])
def scheme(request) -> str:
    return request.param


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_view_fits_a_phone_with_every_section_in_sight(browser, ui_bff, bff_server,
                                                             scheme, lang):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme,
                                  locale="de-DE" if lang == "de" else "en-US")
    try:
        page = context.new_page()
        page.goto(bff_server.url + "/")
        expect(page.locator("selfserve-account").get_by_role("button")).not_to_have_count(0)
        assert_fits(page, f"signed out {scheme} {lang}")
        sign_in_ui(page, bff_server.url, button="Anmelden" if lang == "de" else "Sign in")
        for name, _ in VIEWS:
            title = TITLES[lang][name]
            page.goto(f"{bff_server.url}/{name}")
            expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
            wait_loaded(page)
            assert_fits(page, f"{name} {scheme} {lang}")
            # Every section is one tap away: its tab is on screen, no sideways swipe.
            for other_title in TITLES[lang].values():
                link = page.get_by_role("navigation").get_by_role("link", name=other_title)
                expect(link).to_be_in_viewport()
            if name == "profile":
                # The user id fits its line whole: it is not broken mid-string.
                user_id = page.locator("selfserve-account").locator("code.id")
                assert user_id.evaluate(LINES) == 1
            assert serious_violations(page) == [], (name, scheme, lang)
            screenshot(page, f"phone-{name}-{scheme}-{lang}")
    finally:
        context.close()


def test_the_conflict_table_reflows_at_phone_width(browser, ui_bff, bff_server, scheme):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    try:
        first = context.new_page()
        sign_in_ui(first, bff_server.url, "/metadata")
        second = context.new_page()
        second.goto(bff_server.url + "/metadata")
        first.get_by_label("theme", exact=True).fill("light")
        first.get_by_label("address", exact=True).fill(
            '{"city": "Lisbon", "country": "PT", "street": "Rua Augusta 1100-053 Lisboa Portugal"}')
        first.get_by_role("button", name="Save changes").click()
        expect(first.get_by_text("Your preferences are saved.")).to_be_visible()

        second.get_by_label("theme", exact=True).fill("a-rather-long-theme-name-from-the-other-tab")
        second.get_by_label("address", exact=True).fill('{"city": "Porto", "country": "PT"}')
        second.get_by_role("button", name="Save changes").click()
        table = second.locator("selfserve-account").locator("table.conflict-table")
        expect(table).to_be_visible()
        expect(table.get_by_role("row", name="theme")).to_contain_text("a-rather-long-theme")
        assert_fits(second, f"conflict {scheme}")
        width = table.evaluate("(t) => t.getBoundingClientRect().width")
        card = table.evaluate("(t) => t.closest('.card').clientWidth")
        assert width <= card
        screenshot(second, f"phone-metadata-conflict-{scheme}")
    finally:
        context.close()
