"""Preferences in the user's words: with METADATA_SCHEMA a form (titles, help, choices,
switches, formats and lengths checked as you type, the server's refusals beside their
field until the value changes); without one, named values in plain language (no JSON,
no bytes, no JSON Pointer), the server's rules checked in the browser; rows that read
evenly; a conflict that speaks of the saved version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui_metadata import SEED, changes, preferences_in_two_pages, seed_metadata
from tests.browser.test_ui_phone import LINES
from tests.browser.ui_fixtures import open_view, sign_in_ui, user_id

pytestmark = pytest.mark.browser

SCHEMA = Path(__file__).parent / "data" / "preferences.schema.json"


@pytest.fixture
def schema_page(console_errors, ui_page, make_bff, host_server, hooks, bff_server):
    """Alice on Preferences, with the BFF configured with METADATA_SCHEMA."""
    make_bff(METADATA_SCHEMA=str(SCHEMA), EMBED_ALLOWED_ORIGINS=host_server.url)
    sign_in_ui(ui_page, bff_server.url, "/metadata")
    expect(ui_page.get_by_role("heading", level=1, name="Preferences")).to_be_visible()
    return ui_page


def test_with_a_schema_each_key_is_a_labelled_field_with_help_choices_and_a_switch(
    schema_page, console_errors
):
    page = schema_page
    theme = page.get_by_label("Colour scheme", exact=True)
    expect(theme).to_have_accessible_description("How the site looks for you.")
    expect(theme.locator("option")).to_have_text(["Not set", "light", "dark", "system"])
    expect(theme.locator("option:checked")).to_have_text("dark")
    newsletter = page.get_by_role("switch", name="Send me the newsletter")
    expect(newsletter).to_be_checked()
    expect(newsletter).to_have_accessible_description("About once a month.")
    expect(page.get_by_label("Language code", exact=True)).to_have_value("en")
    # A saved key the schema does not list is shown, not edited.
    other = page.get_by_role("region", name="Other preferences")
    expect(other).to_contain_text("address")
    expect(page.get_by_label("address")).to_have_count(0)
    expect(page.get_by_text("Type", exact=True)).to_have_count(0)

    theme.select_option(label="system")
    newsletter.uncheck()
    page.get_by_label("Display name", exact=True).fill("Ally")
    # In the order of the keys (the BFF's JSON sorts the schema's properties by name).
    expect(changes(page)).to_have_text([
        "Change Send me the newsletter: true → false",
        'Add Display name: "Ally"',
        'Change Colour scheme: "dark" → "system"',
    ])
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    assert console_errors == [], "\n".join(console_errors)


@pytest.mark.parametrize(("label", "typed", "message", "fixed"), [
    ("Language code", "EN", "This does not have the expected form.", "de"),
    ("Contact email", "alice-at-example", "Enter an email address, such as name@example.com.",
     "alice@example.com"),
    ("Your website", "example.com", "Enter a full web address, such as https://example.com.",
     "https://example.com"),
    ("Display name", "Alice the Great", "At most 12 characters.", "Alice"),
    ("Shoe size", "41.5", "Enter a whole number, such as 42.", "40"),
    ("Shoe size", "55", "The largest allowed value is 50.", "45"),
    ("Shoe size", "0x10", "Enter a number, such as 42 or 3.5.", "35"),
])
def test_with_a_schema_values_are_checked_as_you_type(schema_page, hooks, label, typed,
                                                      message, fixed):
    page = schema_page
    field = page.get_by_label(label, exact=True)
    save = page.get_by_role("button", name="Save changes")
    field.fill(typed)

    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    expect(save).to_be_disabled()
    field.fill(fixed)
    expect(field).to_have_attribute("aria-invalid", "false")
    expect(save).to_be_enabled()


def test_a_refusal_of_the_server_shows_beside_its_field_until_the_value_changes(
    schema_page, console_errors, hooks
):
    console_errors.allow(422, "/api/me/metadata")  # the refusal this test makes
    page = schema_page
    uid = user_id(page)
    shoe = page.get_by_label("Shoe size", exact=True)
    shoe.fill("32")  # within the limits the browser checks; not a multiple of 5
    page.get_by_role("button", name="Save changes").click()

    alert = page.get_by_role("alert").filter(has_text="Some values were refused")
    expect(alert).to_be_visible()
    expect(alert).not_to_contain_text("/shoe_size")
    expect(shoe).to_have_attribute("aria-invalid", "true")
    expect(shoe).to_have_accessible_description(re.compile("32 is not a multiple of 5"))
    shoe.fill("35")  # a new value: the server has not seen it, so its word goes
    expect(shoe).to_have_attribute("aria-invalid", "false")
    expect(shoe).to_have_accessible_description("Whole sizes in steps of five, between 30 and 50.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    assert hooks.user(uid)["user_metadata"]["shoe_size"] == 35
    assert console_errors == [], "\n".join(console_errors)


def test_without_a_schema_the_editor_speaks_plainly_and_checks_the_servers_rules(
    alice_page, hooks
):
    page = alice_page
    open_view(page, "Preferences")
    view = page.locator("ss-metadata-view")
    expect(view).to_contain_text("About 1% of the space for preferences is used.")
    expect(view).not_to_contain_text("JSON")
    expect(view).not_to_contain_text("bytes")
    address_type = page.get_by_label("Type: address")
    expect(address_type).to_have_value("json")
    expect(address_type.locator("option:checked")).to_have_text("List or group")

    # A name one character too long is said while it is typed, and not added.
    new_key = page.get_by_label("Name of the new preference")
    new_key.fill("k" * 101)
    expect(new_key).to_have_accessible_description("A name can have at most 100 characters.")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator('[data-key^="kkk"]')).to_have_count(0)

    # "0x10" is not a number here (Number() would read 16).
    new_key.fill("score")
    page.get_by_label("Type", exact=True).select_option("number")
    page.get_by_role("button", name="Add", exact=True).click()
    score = page.get_by_label("score", exact=True)
    score.fill("0x10")
    expect(score).to_have_accessible_description("Enter a number, such as 42 or 3.5.")
    expect(page.get_by_role("button", name="Save changes")).to_be_disabled()
    score.fill("16")

    # Too deep a value is said beside its field, with no JSON Pointer.
    address = page.get_by_label("address", exact=True)
    address.fill('{"a": {"b": {"c": {"d": {"e": 1}}}}}')
    expect(address).to_have_accessible_description("Too deeply nested: at most 5 levels.")
    expect(view).not_to_contain_text("/address")
    address.fill('{"a": {"b": {"c": {"d": 1}}}}')
    expect(address).to_have_attribute("aria-invalid", "false")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    stored = hooks.user(user_id(page))["user_metadata"]
    assert stored["score"] == 16 and stored["address"] == {"a": {"b": {"c": {"d": 1}}}}


LONG_KEYS = {**SEED, "notificationPreferences": "weekly", "hasOwnProperty": 1}


def test_rows_read_evenly_names_do_not_break_mid_word_and_yes_no_is_not_larger(
    ui_page, ui_bff, hooks, tenant, bff_server
):
    seed_metadata(tenant, LONG_KEYS)
    sign_in_ui(ui_page, bff_server.url, "/metadata")
    view = ui_page.locator("ss-metadata-view")
    expect(view.locator(".meta-row")).to_have_count(len(LONG_KEYS))
    for key in ("notificationPreferences", "hasOwnProperty", "newsletter"):
        name = view.locator(f'[data-key="{key}"] .key-name')
        lines = name.evaluate(LINES)
        assert lines == 1, f"{key} wraps onto {lines} lines"
    size = {key: view.locator(f'[data-key="{key}"] .key-name').evaluate(
        "(el) => getComputedStyle(el).fontSize") for key in ("newsletter", "theme")}
    assert size["newsletter"] == size["theme"], size


def test_a_conflict_lists_only_what_still_differs_from_the_saved_version(alice_page, hooks):
    first = alice_page
    uid = user_id(first)
    second = preferences_in_two_pages(first)
    first.get_by_label("theme", exact=True).fill("light")
    first.get_by_role("checkbox", name="newsletter Yes").uncheck()
    first.get_by_role("button", name="Save changes").click()
    expect(first.get_by_text("Your preferences are saved.")).to_be_visible()

    second.get_by_label("theme", exact=True).fill("light")  # the same as the other tab saved
    second.get_by_label("language", exact=True).fill("pt")
    second.get_by_role("button", name="Save changes").click()

    conflict = second.get_by_role("alert").filter(
        has_text="These preferences changed since you opened them")
    expect(conflict).to_contain_text("in another tab, window or device")
    expect(conflict.get_by_role("row")).to_have_count(2)  # the header and language
    expect(conflict.get_by_role("row", name="language")).to_contain_text('"pt"')
    # The pending changes speak of the saved version, not of the one first opened.
    expect(changes(second)).to_have_text(['Change language: "en" → "pt"'])
    expect(second.get_by_role("checkbox", name="newsletter Yes")).not_to_be_checked()
    second.get_by_role("button", name="Keep my changes").click()
    expect(second.get_by_text("Your preferences are saved.")).to_be_visible()
    stored = hooks.user(uid)["user_metadata"]
    assert (stored["theme"], stored["language"], stored["newsletter"]) == ("light", "pt", False)
