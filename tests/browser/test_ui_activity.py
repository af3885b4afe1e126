"""The Activity view in Chromium: entries newest first, older pages on request, a
failed change marked; axe finds nothing serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui_views import serious_violations, wait_loaded
from tests.browser.ui_fixtures import open_view, screenshot

pytestmark = pytest.mark.browser


def test_the_activity_view_pages_back_and_passes_axe(alice_page, console_errors):
    page = alice_page
    for index in range(21):  # 22 entries with the sign-in: two pages of 20
        status = page.evaluate(
            """(index) => fetch('/api/me/metadata', {method: 'PATCH', credentials: 'include',
                 headers: {'Content-Type': 'application/json', 'X-CSRF': '1'},
                 body: JSON.stringify({['key' + index]: index})}).then((r) => r.status)""",
            index)
        assert status == 200
    open_view(page, "Activity")
    wait_loaded(page)
    entries = page.locator("li.activity-entry")
    expect(entries).to_have_count(20)
    expect(entries.first).to_contain_text("Preferences saved")
    expect(entries.first).to_contain_text("Keys: key20")
    expect(entries.first).to_contain_text("127.0.0.0/24")
    assert serious_violations(page) == []
    console_errors.clear()  # axe-core's injected inline styles are refused by our CSP
    screenshot(page, "view-activity")
    page.get_by_role("button", name="Show older activity").click()
    expect(entries).to_have_count(22)
    expect(entries.last).to_contain_text("Signed in")
    expect(page.get_by_text("That is all.")).to_be_visible()
    assert console_errors == []
