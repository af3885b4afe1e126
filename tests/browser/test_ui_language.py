"""Two complete languages: English and German, picked from the browser's languages,
switchable on the page (and remembered), set by a host page on the element (`lang`)
or on the iframe (`?lang=`); dates, numbers and plural forms from Intl; no message
without a translation; axe finds nothing serious in German either."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui_phone import TITLES
from tests.browser.test_ui_views import VIEWS, serious_violations, wait_loaded
from tests.browser.ui_fixtures import open_view, sign_in_ui

pytestmark = pytest.mark.browser

STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"


def message_tables(page, bff_server) -> dict:
    """Each shipped language's table, its placeholders per message and the plural
    categories Intl says the language needs, read from the modules in Chromium."""
    page.goto(bff_server.url + "/healthz")
    return page.evaluate("""async () => {
        const { LANGUAGES } = await import("/static/js/messages.js");
        const names = (text) => [...String(text).matchAll(/\\{(\\w+)\\}/g)].map((m) => m[1]).sort();
        const out = {};
        for (const [code, { messages }] of Object.entries(LANGUAGES)) {
          const categories = new Intl.PluralRules(code).resolvedOptions().pluralCategories;
          out[code] = { categories, messages: Object.fromEntries(Object.entries(messages).map(
            ([key, value]) => [key, typeof value === "string"
              ? { forms: null, placeholders: names(value) }
              : { forms: Object.keys(value).sort(), placeholders: Object.fromEntries(
                  Object.entries(value).map(([form, text]) => [form, names(text)])) }]))};
        }
        return out;
    }""")


def test_every_message_has_a_translation_with_the_same_placeholders(page, bff, bff_server):
    tables = message_tables(page, bff_server)
    assert set(tables) == {"en", "de"}
    english = tables["en"]["messages"]
    for code, table in tables.items():
        messages = table["messages"]
        assert sorted(set(english) - set(messages)) == [], f"{code} lacks these"
        assert sorted(set(messages) - set(english)) == [], f"{code} has keys English lacks"
        for key, message in messages.items():
            source = english[key]
            assert (message["forms"] is None) == (source["forms"] is None), (code, key)
            if message["forms"] is None:
                assert message["placeholders"] == source["placeholders"], (code, key)
                continue
            # A plural message has every form the language needs, each with the placeholders
            # of English's "other".
            assert set(table["categories"]) <= set(message["forms"]), (code, key)
            for form, names in message["placeholders"].items():
                assert names == source["placeholders"]["other"], (code, key, form)


def test_every_message_the_code_asks_for_exists(page, bff, bff_server):
    english = message_tables(page, bff_server)["en"]["messages"]
    asked = set()
    for path in STATIC_JS.rglob("*.js"):
        asked |= set(re.findall(r"""\bt\(\s*["']([\w.-]+)["']""", path.read_text()))
    assert asked, "no t(...) calls found"
    assert sorted(asked - set(english)) == []


@pytest.fixture
def german(browser, ui_bff):
    """A context whose browser prefers German (navigator.languages and Accept-Language)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="de-DE")
    yield context
    context.close()


def test_the_browsers_language_picks_german_with_german_dates_numbers_and_plurals(
    german, bff_server, console_errors_in
):
    errors = console_errors_in(german)
    page = german.new_page()
    page.goto(bff_server.url + "/")
    title = page.get_by_role("heading", name="Melde dich an, um dein Konto zu verwalten")
    expect(title).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "de"
    sign_in_ui(page, bff_server.url, button="Anmelden")

    expect(page.get_by_role("heading", level=1, name="Profil")).to_be_visible()
    expect(page.get_by_text("E-Mail und Passwort, alice@example.com")).to_be_visible()
    # Dates as German writes them (day before month, German month names).
    created = page.locator("selfserve-account").locator("dt", has_text="Dabei seit").locator("+ dd")
    expected = page.evaluate("""() => new Intl.DateTimeFormat("de", { dateStyle: "medium" })
        .format(new Date())""")
    expect(created).to_have_text(expected)  # alice was created today, by the test's reset
    assert page.title() == "Profil · Dein Konto"

    open_view(page, "Einstellungen")
    page.get_by_label("theme", exact=True).fill("hell")
    count = page.locator("selfserve-account").locator(".meta-count")
    expect(count).to_have_text("1 ungespeicherte Änderung")
    page.get_by_label("language", exact=True).fill("de")
    expect(count).to_have_text("2 ungespeicherte Änderungen")
    # A number typed the German way, with a decimal comma.
    page.get_by_label("Name der neuen Einstellung").fill("score")
    page.get_by_label("Art", exact=True).select_option("number")
    page.get_by_role("button", name="Hinzufügen", exact=True).click()
    page.keyboard.press("Control+A")
    page.keyboard.type("3,5")
    expect(page.locator(".change-list li").last).to_have_text("score hinzufügen: 3.5")
    assert errors == [], "\n".join(errors)


def test_the_language_is_switched_on_the_page_and_remembered(alice_page, bff_server):
    page = alice_page
    open_view(page, "Preferences")
    page.get_by_label("Language", exact=True).select_option("de")

    expect(page.get_by_role("heading", level=1, name="Einstellungen")).to_be_visible()
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Verknüpfte Konten")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "de"
    expect(page.get_by_label("Sprache", exact=True)).to_be_focused()
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Einstellungen")).to_be_visible()

    page.get_by_label("Sprache", exact=True).select_option("en")
    expect(page.get_by_role("heading", level=1, name="Preferences")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Preferences")).to_be_visible()


def test_a_host_page_sets_the_language_of_the_element_and_of_the_iframe(
    ui_page, ui_bff, bff_server, host_server
):
    page = ui_page
    sign_in_ui(page, bff_server.url)
    page.goto(host_server.url + "/custom-element/")
    element = page.locator("selfserve-account")
    expect(element.get_by_role("heading", level=1, name="Profile")).to_be_visible()
    element.evaluate("(el) => el.setAttribute('lang', 'de')")
    expect(element.get_by_role("heading", level=1, name="Profil")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"  # the host's own page

    page.goto(host_server.url + "/iframe/")
    page.locator("#account").evaluate(
        "(frame, url) => { frame.src = url + '/embed?lang=de'; }", bff_server.url)
    frame = page.frame_locator("#account")
    expect(frame.get_by_role("heading", level=1, name="Profil")).to_be_visible()
    expect(frame.locator("html")).to_have_attribute("lang", "de")


def test_every_view_in_german_passes_axe(german, bff_server):
    page = german.new_page()
    sign_in_ui(page, bff_server.url, button="Anmelden")
    for name, _ in VIEWS:
        page.goto(f"{bff_server.url}/{name}")
        expect(page.get_by_role("heading", level=1, name=TITLES["de"][name])).to_be_visible()
        wait_loaded(page)
        assert serious_violations(page) == [], name
