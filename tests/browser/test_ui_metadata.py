"""The metadata editor: edit, add, remove, validate as you type, undo, save; a
conflict between two pages; a failed save that keeps the edit for a retry."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.ui_fixtures import open_view, screenshot, user_id

pytestmark = pytest.mark.browser

SEED = {"address": {"city": "Lisbon", "country": "PT"}, "language": "en",
        "newsletter": True, "theme": "dark"}


def changes(page):
    return page.locator(".change-list li")


def test_edit_add_and_remove_keys_then_save(alice_page, hooks):
    page = alice_page
    uid = user_id(page)
    assert hooks.user(uid)["user_metadata"] == SEED
    open_view(page, "Preferences")

    page.get_by_label("theme", exact=True).fill("light")
    page.get_by_role("button", name="Remove language").click()
    page.get_by_label("Name of the new preference").fill("timezone")
    page.get_by_role("button", name="Add", exact=True).click()
    page.keyboard.type("Europe/Lisbon")  # focus moved to the new value
    page.get_by_label("Name of the new preference").fill("score")
    page.get_by_label("Type", exact=True).select_option("number")
    page.get_by_role("button", name="Add", exact=True).click()
    page.keyboard.press("Control+A")
    page.keyboard.type("42")

    expect(changes(page)).to_have_text([
        "Remove language",
        'Change theme: "dark" → "light"',
        'Add timezone: "Europe/Lisbon"',
        "Add score: 42",
    ])
    screenshot(page, "metadata-pending-changes")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    expect(changes(page)).to_have_text(["No unsaved changes."])
    assert hooks.user(uid)["user_metadata"] == {
        "address": {"city": "Lisbon", "country": "PT"}, "newsletter": True,
        "theme": "light", "timezone": "Europe/Lisbon", "score": 42,
    }


def test_json_is_checked_as_you_type_and_undo_restores_the_saved_value(alice_page):
    page = alice_page
    open_view(page, "Preferences")
    address = page.get_by_label("address", exact=True)
    save = page.get_by_role("button", name="Save changes")

    address.fill('{"city": "Porto",')
    expect(page.get_by_text("Not valid JSON")).to_be_visible()
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(save).to_be_disabled()

    address.fill('{"city": "Porto", "country": "PT"}')
    expect(page.get_by_text("Not valid JSON")).to_have_count(0)
    expect(save).to_be_enabled()
    page.get_by_role("button", name="Undo changes to address").click()
    expect(address).to_have_value('{\n  "city": "Lisbon",\n  "country": "PT"\n}')
    expect(save).to_be_disabled()

    page.locator('[data-key="newsletter"] input[type=checkbox]').uncheck()
    expect(changes(page)).to_have_text(["Change newsletter: true → false"])
    page.get_by_role("button", name="Discard all changes").click()
    expect(changes(page)).to_have_text(["No unsaved changes."])
    expect(page.locator('[data-key="newsletter"] input[type=checkbox]')).to_be_checked()


def test_a_conflict_between_two_pages_shows_both_versions_and_lets_the_user_choose(
    alice_page, hooks
):
    first = alice_page
    uid = user_id(first)
    open_view(first, "Preferences")
    second = first.context.new_page()
    second.goto(first.url)
    expect(second.get_by_label("theme", exact=True)).to_have_value("dark")

    first.get_by_label("theme", exact=True).fill("light")
    first.get_by_role("button", name="Save changes").click()
    expect(first.get_by_text("Your preferences are saved.")).to_be_visible()

    second.get_by_label("theme", exact=True).fill("blue")
    second.get_by_role("button", name="Save changes").click()
    conflict = second.get_by_role("alert").filter(has_text="Someone else changed your preferences")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_role("row", name="theme")).to_contain_text('"blue"')
    expect(conflict.get_by_role("row", name="theme")).to_contain_text('"light"')
    assert hooks.user(uid)["user_metadata"]["theme"] == "light"  # nothing overwritten
    screenshot(second, "metadata-conflict")

    second.get_by_role("button", name="Keep my changes").click()
    expect(second.get_by_text("Your preferences are saved.")).to_be_visible()
    assert hooks.user(uid)["user_metadata"]["theme"] == "blue"

    # The first page is now stale too; it takes the saved version this time.
    first.get_by_label("language", exact=True).fill("pt")
    first.get_by_role("button", name="Save changes").click()
    first.get_by_role("button", name="Use the saved version").click()
    expect(first.get_by_label("theme", exact=True)).to_have_value("blue")
    expect(first.get_by_label("language", exact=True)).to_have_value("en")
    assert hooks.user(uid)["user_metadata"]["language"] == "en"


def test_a_failed_save_keeps_the_edit_on_screen_to_retry(alice_page, hooks):
    page = alice_page
    uid = user_id(page)
    open_view(page, "Preferences")
    page.get_by_label("theme", exact=True).fill("solarized")
    hooks.fault("/api/v2/users/", method="PATCH", status=503, times=5)

    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Your changes were not saved.")).to_be_visible()
    expect(page.get_by_label("theme", exact=True)).to_have_value("solarized")
    assert hooks.user(uid)["user_metadata"]["theme"] == "dark"
    hooks.clear_faults()
    page.get_by_role("alert").get_by_role("button", name="Try again").click()
    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    assert hooks.user(uid)["user_metadata"]["theme"] == "solarized"
