"""The metadata editor: edit, add, remove, validate as you type, undo, save; a
conflict between two pages; a failed save that keeps the edit for a retry."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.tenant import directory
from tests.browser.ui_fixtures import open_view, screenshot, sign_in_ui, user_id
from tests.tenant_management.support import TenantApi, user_path

pytestmark = pytest.mark.browser

SEED = {"address": {"city": "Lisbon", "country": "PT"}, "language": "en",
        "newsletter": True, "theme": "dark"}


CONFLICT_TITLE = "These preferences changed since you opened them"


def changes(page):
    return page.locator(".change-list li")


def preferences_in_two_pages(first):
    """Open Preferences in `first`, then in a second page of its context; the second."""
    open_view(first, "Preferences")
    second = first.context.new_page()
    second.goto(first.url)
    return second


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
    expect(page.get_by_text("This is not a valid list or group")).to_be_visible()
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(save).to_be_disabled()

    address.fill('{"city": "Porto", "country": "PT"}')
    expect(page.get_by_text("This is not a valid list or group")).to_have_count(0)
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
    second = preferences_in_two_pages(first)
    expect(second.get_by_label("theme", exact=True)).to_have_value("dark")

    first.get_by_label("theme", exact=True).fill("light")
    first.get_by_role("button", name="Save changes").click()
    expect(first.get_by_text("Your preferences are saved.")).to_be_visible()

    second.get_by_label("theme", exact=True).fill("blue")
    second.get_by_role("button", name="Save changes").click()
    conflict = second.get_by_role("alert").filter(has_text=CONFLICT_TITLE)
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


# Keys that a plain JavaScript object treats specially: `__proto__` is a setter on
# Object.prototype, the others are inherited members every object answers to.
RESERVED_SEED = {**SEED, "__proto__": "shadow", "constructor": {"name": "c"},
                 "hasOwnProperty": 1, "toString": "text"}


def seed_metadata(tenant, metadata: dict) -> None:
    """Replace alice's user_metadata through the tenant's Management API (one PATCH:
    remove every key she has, then set `metadata`)."""
    api = TenantApi(tenant)
    token = api.access_token()
    path = user_path(directory.ALICE_ID)
    current = api.call("GET", path, token).json()["user_metadata"]
    body = {"user_metadata": {**{key: None for key in current}, **metadata}}
    response = api.call("PATCH", path, token, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["user_metadata"] == metadata


@pytest.fixture
def reserved_keys_page(console_errors, ui_page, ui_bff, hooks, tenant, bff_server):
    """Alice signed in, her metadata seeded with RESERVED_SEED first (the BFF caches
    the profile per session, so the seed must precede the sign-in)."""
    seed_metadata(tenant, RESERVED_SEED)
    sign_in_ui(ui_page, bff_server.url)
    return ui_page


def test_keys_named_like_object_members_are_edited_and_removed(console_errors,
                                                                 reserved_keys_page, hooks):
    page = reserved_keys_page
    uid = user_id(page)
    open_view(page, "Preferences")

    page.get_by_label("__proto__", exact=True).fill("edited")
    page.get_by_label("constructor", exact=True).fill('{"name": "d"}')
    page.get_by_role("button", name="Remove hasOwnProperty").click()
    page.get_by_label("toString", exact=True).fill("changed")
    expect(changes(page)).to_have_text([
        'Change __proto__: "shadow" → "edited"',
        'Change constructor: {"name":"c"} → {"name":"d"}',
        "Remove hasOwnProperty",
        'Change toString: "text" → "changed"',
    ])
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    expect(changes(page)).to_have_text(["No unsaved changes."])
    assert hooks.user(uid)["user_metadata"] == {
        **SEED, "__proto__": "edited", "constructor": {"name": "d"}, "toString": "changed",
    }
    expect(page.get_by_label("__proto__", exact=True)).to_have_value("edited")

    page.get_by_role("button", name="Remove __proto__").click()
    page.get_by_role("button", name="Remove constructor").click()
    expect(changes(page)).to_have_text(["Remove __proto__", "Remove constructor"])
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    assert hooks.user(uid)["user_metadata"] == {**SEED, "toString": "changed"}
    expect(page.locator('[data-key="__proto__"]')).to_have_count(0)
    assert console_errors == [], "\n".join(console_errors)


def test_a_new_key_named_proto_is_added_and_kept_across_a_sign_in(console_errors, alice_page,
                                                                   hooks):
    page = alice_page
    uid = user_id(page)
    open_view(page, "Preferences")
    page.get_by_label("Name of the new preference").fill("__proto__")
    page.get_by_label("Type", exact=True).select_option("json")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_label("__proto__", exact=True).fill('{"polluted": true}')
    expect(changes(page)).to_have_text(['Add __proto__: {"polluted":true}'])

    # The draft survives a reload (sessionStorage), then saves as it was.
    page.reload()
    expect(page.get_by_text("We kept the changes you had not saved")).to_be_visible()
    expect(changes(page)).to_have_text(['Add __proto__: {"polluted":true}'])
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    assert hooks.user(uid)["user_metadata"] == {**SEED, "__proto__": {"polluted": True}}
    assert page.evaluate("({}).polluted") is None
    assert console_errors == [], "\n".join(console_errors)


def test_a_conflict_on_a_key_named_like_an_object_member_shows_both_versions(
    console_errors, reserved_keys_page, hooks
):
    console_errors.allow(409, "/api/me/metadata")  # the conflict this test makes
    first = reserved_keys_page
    uid = user_id(first)
    second = preferences_in_two_pages(first)
    expect(second.get_by_label("toString", exact=True)).to_have_value("text")

    first.get_by_role("button", name="Remove toString").click()
    first.get_by_role("button", name="Save changes").click()
    expect(first.get_by_text("Your preferences are saved.")).to_be_visible()

    second.get_by_label("toString", exact=True).fill("mine")
    second.get_by_role("button", name="Save changes").click()
    conflict = second.get_by_role("alert").filter(has_text=CONFLICT_TITLE)
    expect(conflict.get_by_role("row", name="toString")).to_have_text(
        ['toString"mine"(not set)'])
    second.get_by_role("button", name="Keep my changes").click()

    expect(second.get_by_text("Your preferences are saved.")).to_be_visible()
    stored = hooks.user(uid)["user_metadata"]
    assert stored == {**RESERVED_SEED, "toString": "mine"}
    assert console_errors == [], "\n".join(console_errors)
